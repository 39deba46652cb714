import {
  LITERAL_REFERENCE_SYSTEM,
  PATIENT_SYSTEMS,
  type AccessFactsSource,
  type DomainEventLike,
  type PatientAlias,
  type SourceFacts,
} from '@carenet/access';
import { consentStateFacts, generalPractitionerFacts } from '../access-facts/index.js';
import { consentDecider, type ConsentState } from '../consent/index.js';
import { patientDecider, type PatientState } from '../patient/index.js';

/**
 * A Consent's access facts from its state: the SharingConsent or Objections it states
 * (`consentStateFacts`: given, over its period, ended at its withdrawal), under `Consent/<id>`; a
 * Consent that states nothing (a draft, a refusal, entered in error) removes what it stated. Kept
 * inline by shared-info and, in the distributed mode, by every other service from
 * `carenet.shared-info`.
 */
export const consentAccessFactsSource: AccessFactsSource<ConsentState> = {
  category: 'Consent',
  initialState: () => consentDecider.initialState(),
  evolve: (state, event) => consentDecider.evolve(state, event as DomainEventLike<typeof consentDecider>),
  write(tx, facts, id, state) {
    const stated = consentStateFacts(state);
    const none = stated.consents.length === 0 && stated.objections.length === 0;
    const source: SourceFacts | undefined =
      !state.exists || none
        ? undefined
        : {
            patient: { system: state.patient.system, value: state.patient.value },
            consents: stated.consents,
            objections: stated.objections,
          };
    return facts.replaceSource(tx, `Consent/${id}`, source);
  },
};

/** The key the access facts know a patient by: the record's first national identifier (INS, NAM). */
function nationalIdentifierOf(state: PatientState): { system: string; value: string } | undefined {
  if (!state.exists) return undefined;
  const national = state.identifiers.find(
    (i) => i.system !== undefined && i.value !== undefined && PATIENT_SYSTEMS.includes(i.system),
  );
  return national?.system === undefined || national.value === undefined
    ? undefined
    : { system: national.system, value: national.value };
}

/**
 * A Patient record's access facts, under `Patient/<id>`: the médecin traitant's care relation
 * (`generalPractitionerFacts`), and the record's literal reference as an alias of the patient's
 * national identifier (a Task or a PPCS naming `Patient/p-1` is that patient's data); a merged
 * record's reference stands for the surviving record's patient.
 */
export const patientAccessFactsSource: AccessFactsSource<PatientState> = {
  category: 'Patient',
  initialState: () => patientDecider.initialState(),
  evolve: (state, event) => patientDecider.evolve(state, event as DomainEventLike<typeof patientDecider>),
  async write(tx, facts, id, state, stateOf) {
    const source = `Patient/${id}`;
    await facts.replaceSource(tx, source, generalPractitionerFacts(state));
    const merged = state.exists ? state.mergedInto : undefined;
    const target = merged === undefined ? undefined : await stateOf('Patient', merged.patientId);
    const patient = nationalIdentifierOf(merged === undefined || target === undefined ? state : target);
    const aliases: PatientAlias[] =
      patient === undefined ? [] : [{ alias: { system: LITERAL_REFERENCE_SYSTEM, value: source }, patient }];
    await facts.replaceAliases(tx, source, aliases);
  },
};
