import { assertNever } from '@carenet/eventsourcing';
import type { PatientEvent } from './patient-events.js';
import type { ExistingPatient, PatientState } from './patient-state.js';

function withoutKeys(patient: ExistingPatient, keys: readonly string[]): ExistingPatient {
  return Object.fromEntries(
    Object.entries(patient).filter(([key]) => !keys.includes(key)),
  ) as ExistingPatient;
}

/** Folds one event into the state. Events of a patient that does not exist are ignored. */
export function evolve(state: PatientState, event: PatientEvent): PatientState {
  if (event.type === 'PatientRegistered') {
    return {
      ...event.data.patient,
      exists: true,
      id: event.data.patientId,
      lastModified: event.data.at,
      lastModifiedBy: event.data.by,
    };
  }
  if (!state.exists) return state;
  const touched = { lastModified: event.data.at, lastModifiedBy: event.data.by };
  switch (event.type) {
    case 'PatientIdentityChanged': {
      const { identifiers, identityStatus, identityReliability } = event.data;
      const rest = withoutKeys(state, ['identityStatus', 'identityReliability']);
      return {
        ...rest,
        identifiers,
        ...(identityStatus !== undefined && { identityStatus }),
        ...(identityReliability !== undefined && { identityReliability }),
        ...touched,
      };
    }
    case 'PatientDemographicsChanged':
      return {
        ...withoutKeys(state, event.data.removed),
        ...event.data.changed,
        ...touched,
      };
    case 'PatientGeneralPractitionerChanged':
      return { ...state, generalPractitioner: event.data.generalPractitioner, ...touched };
    case 'PatientMerged':
      return { ...state, mergedInto: event.data.into, ...touched };
    default:
      return assertNever(event);
  }
}
