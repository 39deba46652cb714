import { assertNever } from '@carenet/eventsourcing';
import type { ConsentEvent } from './consent-events.js';
import type { ConsentState, ExistingConsent } from './consent-state.js';
import type { ConsentStatus } from './consent-values.js';

function withoutKeys(consent: ExistingConsent, keys: readonly string[]): ExistingConsent {
  return Object.fromEntries(
    Object.entries(consent).filter(([key]) => !keys.includes(key)),
  ) as ExistingConsent;
}

const STATUS_OF: Readonly<
  Record<Exclude<ConsentEvent['type'], 'ConsentRecorded' | 'ConsentRevised'>, ConsentStatus>
> = {
  ConsentProposed: 'proposed',
  ConsentGiven: 'active',
  ConsentRefused: 'rejected',
  ConsentWithdrawn: 'inactive',
  ConsentEnteredInError: 'entered-in-error',
};

/** Folds one event into the state. Events of a consent that does not exist are ignored. */
export function evolve(state: ConsentState, event: ConsentEvent): ConsentState {
  if (event.type === 'ConsentRecorded') {
    return {
      ...event.data.consent,
      exists: true,
      id: event.data.consentId,
      ...(event.data.consent.status === 'active' && { givenAt: event.data.at }),
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  const touched = { lastModified: event.data.at, lastModifiedBy: event.data.by };
  switch (event.type) {
    case 'ConsentRevised':
      return {
        ...withoutKeys(state, event.data.removed),
        ...(event.data.changed as Partial<ExistingConsent>),
        ...touched,
      };
    case 'ConsentProposed':
    case 'ConsentRefused':
    case 'ConsentEnteredInError':
      return { ...state, status: STATUS_OF[event.type], ...touched };
    case 'ConsentGiven':
      return { ...state, status: 'active', givenAt: event.data.at, ...touched };
    case 'ConsentWithdrawn':
      return { ...state, status: 'inactive', withdrawnAt: event.data.at, ...touched };
    default:
      return assertNever(event);
  }
}
