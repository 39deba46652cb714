export { loadContractRegistry, type ContractRegistry, type EventContract } from './contract-registry.js';
export {
  emptyValueOf,
  isSealed,
  joinSealed,
  PERSONAL_DATA_KEYWORD,
  PersonalDataSchemaError,
  PROTECTED_MEMBER,
  resolveLocal,
  SEALED,
  SealedValuesError,
  splitSealed,
  type SealedSplit,
  type SealedValues,
} from './personal-data.js';
export type {
  ValidationFailure,
  ValidationIssue,
  ValidationResult,
  ValidationSuccess,
} from './validation-result.js';
export {
  ContractError,
  ContractLoadError,
  ContractSchemaError,
  InvalidEventDataError,
  ReleaseLockError,
  ReleaseRefusedError,
  UnknownEventTypeError,
  type ContractErrorKind,
  type ContractFileProblem,
} from './errors.js';
export {
  ceSourceOf,
  ceTypeOf,
  CONTEXTS,
  CONTRACTS_BASE_URL,
  dataSchemaUrlOf,
  deadLetterTopicOf,
  JSON_SCHEMA_DIALECT,
  parseCeType,
  schemaFileNameOf,
  topicOf,
  type Context,
  type EventTypeName,
} from './event-naming.js';
export {
  CLOUDEVENTS_HEADERS,
  CLOUDEVENTS_SPEC_VERSION,
  DEAD_LETTER_HEADERS,
  EVENT_CONTENT_TYPE,
} from './kafka-headers.js';
export {
  compareSchemas,
  type BreakingChange,
  type BreakingChangeKind,
  type ChangeDirection,
} from './compatibility.js';
export {
  checkReleased,
  planRelease,
  writeRelease,
  type ReleaseFile,
  type ReleasePlan,
  type ReleaseViolation,
  type ReleaseViolationKind,
} from './release.js';
export { readReleaseLock, type ReleaseLock, type ReleasedSchema } from './release-lock.js';
export {
  checkAsyncApiReferences,
  type AsyncApiCheckOptions,
  type AsyncApiProblem,
  type AsyncApiProblemKind,
} from './asyncapi-references.js';
export { listSchemaFiles, type SchemaFile, type SchemaFileListing } from './schema-files.js';
export type { JsonObject, JsonSchema, JsonValue } from './json.js';
export { ASYNCAPI_FILE, CONTRACTS_DIR, EVENTS_DIR, RELEASE_LOCK_FILE } from './package-paths.js';
