import { BusinessRuleError } from '@carenet/eventsourcing';
import type { CommunicationInformation } from './communication-content.js';
import { COMMUNICATION_RULES } from './communication-rules.js';
import type { CommunicationStatus } from './communication-values.js';

/** An instant of a FHIR dateTime, a date's bound at its end (UTC) when `end`. */
function instant(value: string, end: boolean): number {
  if (value.length > 10) return Date.parse(value);
  const start = Date.parse(`${value.padEnd(10, '-01').slice(0, 10)}T00:00:00.000Z`);
  return end ? start + 86_400_000 - 1 : start;
}

/**
 * The rules of a communication's information in a status: sent to someone (a recipient), with
 * something to say (a payload); a sent one says when, and was not sent in the future.
 */
export function requireValidInformation(
  information: CommunicationInformation,
  status: CommunicationStatus,
  now: string,
): void {
  if (information.recipients.length === 0) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.recipientRequired,
      'a communication is sent to recipients (Communication.recipient): the professionals or organisations it informs',
    );
  }
  if (information.payload.length === 0) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.payloadRequired,
      'a communication carries the information sent (Communication.payload)',
    );
  }
  if (status === 'completed' && information.sent === undefined) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.sentRequired,
      'a sent (completed) communication says when it was sent (Communication.sent)',
    );
  }
  if (information.sent !== undefined && instant(information.sent, false) > Date.parse(now)) {
    throw new BusinessRuleError(
      COMMUNICATION_RULES.sentInFuture,
      `Communication.sent (${information.sent}) is after now (${now})`,
    );
  }
}
