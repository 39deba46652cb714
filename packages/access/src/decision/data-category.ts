/**
 * The categories of information shared about a patient (DOMAIN.md §4): a consent names the ones
 * it covers, an objection may be limited to some. Project CodeSystem
 * `https://carenet.example.org/fhir/CodeSystem/shared-information-category`.
 */
export type DataCategory = 'medical' | 'social' | 'medico-social';

export const DATA_CATEGORIES: readonly DataCategory[] = ['medical', 'social', 'medico-social'];

export const DATA_CATEGORY_SYSTEM = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';
