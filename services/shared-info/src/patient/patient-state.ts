import type { Actor } from '@carenet/access';
import type { Plain } from '@carenet/eventsourcing';
import type { PatientContent } from './patient-content.js';
import type { MergeTarget } from './patient-values.js';

export interface NoPatient {
  readonly exists: false;
}

export type ExistingPatient = PatientContent & {
  readonly exists: true;
  readonly id: string;
  /** Set once the record was merged into another (a duplicate): it no longer changes. */
  readonly mergedInto?: MergeTarget;
  readonly lastModified: string;
  readonly lastModifiedBy: Plain<Actor>;
};

export type PatientState = NoPatient | ExistingPatient;

export function initialState(): PatientState {
  return { exists: false };
}
