import type { Actor } from '@carenet/access';
import type { JsonObject } from '@carenet/eventsourcing';
import type { CommunicationContent, CommunicationInformation } from './communication-content.js';
import type { CommunicationStatus } from './communication-values.js';

interface Issued {
  readonly actor: Actor;
  /** ISO 8601 instant, from the clock of the caller. */
  readonly now: string;
}

/** Records a communication about a patient (create). */
export interface RecordCommunication extends Issued {
  readonly type: 'RecordCommunication';
  readonly communicationId: string;
  readonly communication: CommunicationContent;
}

/**
 * A FHIR update (PUT) of the whole Communication, decided as a diff: CommunicationRevised for the
 * information and kept elements, then the status move.
 */
export interface ReviseCommunication extends Issued {
  readonly type: 'ReviseCommunication';
  readonly status: CommunicationStatus;
  readonly information: CommunicationInformation;
  readonly kept?: JsonObject;
}

export type CommunicationCommand = RecordCommunication | ReviseCommunication;
