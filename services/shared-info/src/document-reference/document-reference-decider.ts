import type { Decider } from '@carenet/eventsourcing';
import type { DocumentReferenceCommand } from './document-reference-commands.js';
import type { DocumentReferenceEvent } from './document-reference-events.js';
import { initialState, type DocumentReferenceState } from './document-reference-state.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';

/** The DocumentReference aggregate (stream `DocumentReference-<id>`): a document about a patient, shared. */
export const documentReferenceDecider: Decider<
  DocumentReferenceCommand,
  DocumentReferenceEvent,
  DocumentReferenceState
> = { decide, evolve, initialState };
