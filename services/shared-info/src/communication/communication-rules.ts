/**
 * The stable codes of the Communication business rules: the `rule` of each BusinessRuleError
 * (HTTP 422). Clients may rely on them; never rename one.
 */
export const COMMUNICATION_RULES = {
  alreadyExists: 'communication-already-exists',
  notRecorded: 'communication-not-recorded',
  /** Recorded in any status but entered-in-error. */
  initialStatus: 'communication-initial-status',
  illegalTransition: 'communication-illegal-transition',
  enteredInError: 'communication-entered-in-error',
  /** Once sent, stopped or not done, the information does not change. */
  informationFixed: 'communication-information-fixed',
  /** The patient a communication is about never changes. */
  immutableSubject: 'communication-immutable-subject',
  /** Sent to someone: at least one recipient. */
  recipientRequired: 'communication-recipient-required',
  /** Information: at least one payload. */
  payloadRequired: 'communication-payload-required',
  /** A sent (completed) communication says when (`sent`). */
  sentRequired: 'communication-sent-required',
  /** `sent` is not after now. */
  sentInFuture: 'communication-sent-in-future',
} as const;

export type CommunicationRule = (typeof COMMUNICATION_RULES)[keyof typeof COMMUNICATION_RULES];
