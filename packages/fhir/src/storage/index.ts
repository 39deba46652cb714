export {
  PostgresSearchStore,
  SearchBulkWriter,
  type HistoryMethod,
  type PutOptions,
  type StoredHistoryVersion,
  type StoredVersion,
  type StoreSearchResult,
} from './postgres-search-store.js';
export {
  FHIR_STORAGE_MIGRATIONS,
  FHIR_STORAGE_SCHEMA,
  FHIR_TABLES,
  PARTITIONED_TYPES,
} from './fhir-storage-migrations.js';
export { SearchStoreError, type SearchStoreErrorReason } from './search-store-error.js';
export {
  checkCursorValue,
  decodeCursor,
  encodeCursor,
  fitsCursorValue,
  type CursorValueType,
  type SearchCursor,
} from './search-cursor.js';
export { resourceTextColumns, resourceTextOf, type ResourceTextRow } from './resource-text-sql.js';
export {
  visibleCondition,
  type ParameterBinder,
  type PatientKeyOf,
  type PatientVisibility,
} from './patient-visibility.js';
