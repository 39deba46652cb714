export * from './carenet-canonical.js';
export * from './outcomes.js';
export { domainErrorToFhir, errorToFhir } from './error-mapping.js';
export { acceptsJson, bodyParserError, fhirJsonBody, negotiateJson } from './http/content-negotiation.js';
export { fhirErrorHandler, fhirNotSupported } from './http/error-handler.js';
export { sendFhir, sendFhirJson } from './http/send-fhir.js';
export { requestTrace, requestTraceOf } from './http/request-trace.js';
export { answerClientErrorsWithOutcome } from './http/client-errors.js';
export { FHIR_RESPONSE_HEADERS, fhirResponseHeaders } from './http/response-headers.js';
export { ACCEPTED_BODY_TYPES, FHIR_JSON, JSON_PATCH } from './http/media-types.js';
export {
  buildCapabilityStatement,
  OAUTH_URIS_EXTENSION,
  PATCH_FORMATS,
  SEARCH_HANDLING_DOCUMENTATION,
  SMART_ON_FHIR_SERVICE,
  type CapabilityOptions,
  type CapabilitySecurity,
  type RegisteredResourceType,
} from './capability/capability-statement.js';
export {
  OperationDefinitionError,
  operationDefinitionRouter,
  operationDefinitionsServed,
} from './capability/operation-definitions.js';
export {
  bundleInteractions,
  fhirRouter,
  registrationsOf,
  type FhirRouterOptions,
} from './server/fhir-router.js';
export {
  DEFAULT_MAX_BUNDLE_ENTRIES,
  parseBundleRequest,
  type BundleEntryRequest,
  type ParsedBundle,
} from './server/bundle-request.js';
export { isPlaceholderUrl, resolveBundleReferences } from './server/bundle-references.js';
export {
  applyFhirPathPatch,
  parseFhirPathPatch,
  type FhirPathPatchOperation,
} from './server/fhirpath-patch.js';
export { searchBundleJson, type SearchBundleInput } from './server/search-bundle.js';
export { matchResource, ResourceText, type SearchMatch } from './server/resource-text.js';
export { etagOf, parsePrefer, versionFromEtag, type Prefer } from './server/http-headers.js';
export type {
  AccessAudit,
  AccessGate,
  AccessGrant,
  AccessRequestDeclaration,
  AuditedAccess,
  AuditedAction,
  Authenticator,
  Permission,
  Principal,
} from './server/access-port.js';
export { BREAK_GLASS_HEADER } from './server/access-port.js';
export { historyEntryOf, historyMethodOf, recordedMethodOf } from './server/history-bundle.js';
export type {
  CreateOptions,
  HistoryEntry,
  HistoryOptions,
  TypeHistoryOptions,
  TypeHistoryPage,
  IncomingResourceValidator,
  OperationHandler,
  RequestContext,
  FhirInteraction,
  ResourceProvider,
  SearchResult,
  StoredResource,
  UnitOfWork,
  UpdateOptions,
} from './server/resource-provider.js';
export { conditionalCreateId } from './server/conditional-create-id.js';
export * from './search/index.js';
export * from './validation/index.js';
export * from './storage/index.js';
