import { partyOfReference, type CareRelation, type PatientIdentifier } from '@carenet/access';
import { ValidationIssues } from '@carenet/eventsourcing';
import { networkIdentifiers, type PatientState } from '../patient/index.js';

/** What a Patient record states for the access decision, without its `source`. */
export type GeneralPractitionerFacts = Readonly<{
  patient: Pick<PatientIdentifier, 'system' | 'value'>;
  relations: readonly Omit<CareRelation, 'source'>[];
}>;

/**
 * The médecin traitant as a care relation (CSP L1110-12: a professional the patient recognises as
 * taking part in their care): each `Patient.generalPractitioner` (a Practitioner, PractitionerRole
 * or Organization, by IDNPS, RPPS, FINESS or IDNST) is a care-team relation of the patient, open
 * while it is named. The patient is keyed by their first national identifier (INS, else NAM).
 * Nothing for a record without one, for a merged record (its survivor's GP holds), or without a
 * general practitioner. A GP replaced on the record loses the relation from then on (the record
 * keeps no history of its GPs). Pure.
 */
export function generalPractitionerFacts(state: PatientState): GeneralPractitionerFacts | undefined {
  if (!state.exists || state.mergedInto !== undefined) return undefined;
  const patient = networkIdentifiers(state)[0];
  if (patient === undefined) return undefined;
  const relations = state.generalPractitioner.flatMap((reference, i) => {
    const party = partyOfReference(reference, `Patient.generalPractitioner[${i}]`, new ValidationIssues());
    return party === undefined || party.kind === 'system'
      ? []
      : [{ party, basis: 'care-team' as const, period: {} }];
  });
  return relations.length === 0 ? undefined : { patient, relations };
}
