export { decide } from './decide.js';
export { evolve } from './evolve.js';
export type * from './document-reference-commands.js';
export {
  DOCUMENT_INFORMATION_KEYS,
  type DocumentInformation,
  type DocumentReferenceContent,
} from './document-reference-content.js';
export { documentReferenceDecider } from './document-reference-decider.js';
export {
  DOCUMENT_REFERENCE_EVENT_TYPES,
  type DocumentReferenceEventType,
} from './document-reference-events.js';
export type * from './document-reference-events.js';
export { DOCUMENT_REFERENCE_RULES, type DocumentReferenceRule } from './document-reference-rules.js';
export {
  initialState,
  type DocumentReferenceState,
  type ExistingDocumentReference,
  type NoDocumentReference,
} from './document-reference-state.js';
export {
  DOCUMENT_REFERENCE_STATUSES,
  DOCUMENT_REFERENCE_TRANSITIONS,
  type DocumentContent,
  type DocumentReferenceStatus,
} from './document-reference-values.js';
