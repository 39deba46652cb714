import { assertNever } from '@carenet/eventsourcing';
import type { CommunicationEvent } from './communication-events.js';
import type { CommunicationState, ExistingCommunication } from './communication-state.js';

function withoutKeys(communication: ExistingCommunication, keys: readonly string[]): ExistingCommunication {
  return Object.fromEntries(
    Object.entries(communication).filter(([key]) => !keys.includes(key)),
  ) as ExistingCommunication;
}

/** Folds one event into the state. Events of a communication that does not exist are ignored. */
export function evolve(state: CommunicationState, event: CommunicationEvent): CommunicationState {
  if (event.type === 'CommunicationRecorded') {
    return {
      ...event.data.communication,
      exists: true,
      id: event.data.communicationId,
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  const touched = { lastModified: event.data.at, lastModifiedBy: event.data.by };
  switch (event.type) {
    case 'CommunicationRevised':
      return {
        ...withoutKeys(state, event.data.removed),
        ...(event.data.changed as Partial<ExistingCommunication>),
        ...touched,
      };
    case 'CommunicationStarted':
    case 'CommunicationSuspended':
    case 'CommunicationSent':
    case 'CommunicationStopped':
    case 'CommunicationEnteredInError':
      return { ...state, status: event.data.status, ...touched };
    default:
      return assertNever(event);
  }
}
