import type { Decider } from '@carenet/eventsourcing';
import type { ConsentCommand } from './consent-commands.js';
import type { ConsentEvent } from './consent-events.js';
import { initialState, type ConsentState } from './consent-state.js';
import { decide } from './decide.js';
import { evolve } from './evolve.js';

/** The Consent aggregate (stream `Consent-<id>`): a consent to share, a refusal, or an objection. */
export const consentDecider: Decider<ConsentCommand, ConsentEvent, ConsentState> = {
  decide,
  evolve,
  initialState,
};
