import type { Decider } from '@carenet/eventsourcing';
import { decide } from './decide.js';
import { evolve } from './evolve.js';
import type { PatientCommand } from './patient-commands.js';
import type { PatientEvent } from './patient-events.js';
import { initialState, type PatientState } from './patient-state.js';

/** The Patient aggregate (stream `Patient-<id>`). */
export const patientDecider: Decider<PatientCommand, PatientEvent, PatientState> = {
  decide,
  evolve,
  initialState,
};
