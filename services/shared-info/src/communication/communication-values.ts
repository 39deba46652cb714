import type { JsonObject } from '@carenet/eventsourcing';

/** `Communication.status` (R4 event-status). */
export type CommunicationStatus =
  | 'preparation'
  | 'in-progress'
  | 'not-done'
  | 'on-hold'
  | 'stopped'
  | 'completed'
  | 'entered-in-error'
  | 'unknown';

export const COMMUNICATION_STATUSES: readonly CommunicationStatus[] = [
  'preparation',
  'in-progress',
  'not-done',
  'on-hold',
  'stopped',
  'completed',
  'entered-in-error',
  'unknown',
];

/** A communication is recorded in any status but entered-in-error (a mistake is marked later). */
export const INITIAL_COMMUNICATION_STATUSES: readonly CommunicationStatus[] = COMMUNICATION_STATUSES.filter(
  (status) => status !== 'entered-in-error',
);

/**
 * The moves allowed: a communication in preparation, in progress, on hold or of unknown status
 * is sent (completed), held, taken up again (in-progress), stopped or not done; a sent, stopped or
 * not-done one is closed; any may be marked entered-in-error, which is terminal. Preparation and
 * unknown are initial statuses only.
 */
export const COMMUNICATION_TRANSITIONS: Readonly<
  Record<CommunicationStatus, readonly CommunicationStatus[]>
> = {
  preparation: ['in-progress', 'on-hold', 'completed', 'stopped', 'not-done', 'entered-in-error'],
  'in-progress': ['on-hold', 'completed', 'stopped', 'entered-in-error'],
  'on-hold': ['in-progress', 'completed', 'stopped', 'not-done', 'entered-in-error'],
  unknown: ['in-progress', 'on-hold', 'completed', 'stopped', 'not-done', 'entered-in-error'],
  completed: ['entered-in-error'],
  stopped: ['entered-in-error'],
  'not-done': ['entered-in-error'],
  'entered-in-error': [],
};

/** Statuses whose information (subject, category, sender, recipients, sent, payload) is fixed: it went out, or never will. */
export const CLOSED_COMMUNICATION_STATUSES: readonly CommunicationStatus[] = [
  'completed',
  'stopped',
  'not-done',
  'entered-in-error',
];

export type { InformationCategory, InformationSubject, NamedParty } from '../shared/shared-information.js';

/** `Communication.payload` entries, as given (contentString, contentAttachment, contentReference). */
export type CommunicationPayload = JsonObject;
