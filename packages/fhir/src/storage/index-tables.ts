import type { SearchParamType } from '../search/index.js';

/** The index table of each indexable parameter type (one row per value). */
export const INDEX_TABLES = {
  token: 'fhir.token_index',
  reference: 'fhir.reference_index',
  date: 'fhir.date_index',
  string: 'fhir.string_index',
  number: 'fhir.number_index',
  quantity: 'fhir.quantity_index',
  uri: 'fhir.uri_index',
} as const;

export type IndexedParamType = keyof typeof INDEX_TABLES;

export function isIndexedParamType(type: SearchParamType): type is IndexedParamType {
  return Object.hasOwn(INDEX_TABLES, type);
}
