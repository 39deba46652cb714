/**
 * The stable codes of the DocumentReference business rules: the `rule` of each BusinessRuleError
 * (HTTP 422). Clients may rely on them; never rename one.
 */
export const DOCUMENT_REFERENCE_RULES = {
  alreadyExists: 'document-reference-already-exists',
  notRecorded: 'document-reference-not-recorded',
  /** A document is recorded current. */
  initialStatus: 'document-reference-initial-status',
  illegalTransition: 'document-reference-illegal-transition',
  enteredInError: 'document-reference-entered-in-error',
  /** A superseded document's information does not change. */
  informationFixed: 'document-reference-information-fixed',
  /** The patient a document is about never changes. */
  immutableSubject: 'document-reference-immutable-subject',
  /** `date` is not after now. */
  dateInFuture: 'document-reference-date-in-future',
} as const;

export type DocumentReferenceRule = (typeof DOCUMENT_REFERENCE_RULES)[keyof typeof DOCUMENT_REFERENCE_RULES];
