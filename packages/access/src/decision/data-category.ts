/**
 * The categories of information shared about a patient (DOMAIN.md §4): a consent names the ones
 * it covers, an objection may be limited to some. Project CodeSystem
 * `https://carenet.example.org/fhir/CodeSystem/shared-information-category`.
 */
export type DataCategory = 'medical' | 'social' | 'medico-social';

export const DATA_CATEGORIES: readonly DataCategory[] = ['medical', 'social', 'medico-social'];

export const DATA_CATEGORY_SYSTEM = 'https://carenet.example.org/fhir/CodeSystem/shared-information-category';

/**
 * The category of information a resource type holds, for the access decision (issue 18, S3): a
 * PPCS (CarePlan) and its CareTeam coordinate health, medico-social and social help, so they are
 * `medico-social` information: a consent to share medico-social information lets a social worker
 * outside the care team see the plan, never the Tasks, Goals or other clinical detail, which are
 * `medical`. Every other type is `medical`, the most protected. A per-resource category (a
 * Communication's or DocumentReference's own `category`) is not read yet.
 */
export function dataCategoryOfType(type: string): DataCategory {
  return type === 'CarePlan' || type === 'CareTeam' ? 'medico-social' : 'medical';
}
