import { describe, expect, it } from '@jest/globals';
import type { Patient } from 'fhir/r4.js';
import {
  patientResource,
  PATIENT_EXTENSIONS,
  registerPatientCommand,
  updatePatientCommands,
} from '../src/fhir/patient/index.js';
import {
  PATIENT_RULES,
  patientDecider,
  type ExistingPatient,
  type PatientEvent,
} from '../src/patient/index.js';
import { COORDINATOR, INS_NIR, IPP, LATER, REGISTERED } from './support/actors.js';
import {
  businessRule,
  expectValidR4,
  patientBody,
  validationIssues,
  withoutServerOwned,
} from './support/fhir-fixtures.js';
import { reliability, run, stateOf } from './support/patient-fixtures.js';

const VERSION = { versionId: '1', lastUpdated: REGISTERED };
const input = { patientId: 'patient-1', actor: COORDINATOR, now: REGISTERED };
const register = (body: Patient) => registerPatientCommand(body, input);
const registered = (body: Patient = patientBody()): PatientEvent[] => run([register(body)]);
const targetOf = (found: 'in-use' | 'unknown' | 'merged') => () => Promise.resolve(found);
const update = (state: ExistingPatient, body: Patient, found: 'in-use' | 'unknown' | 'merged' = 'in-use') =>
  updatePatientCommands(state, body, { actor: COORDINATOR, now: LATER, targetOf: targetOf(found) });

describe('a FHIR Patient round trip (POST → register → decide → render)', () => {
  const body = patientBody();
  const state = stateOf(registered(body));
  const rendered = patientResource(state, VERSION);

  it('reads the identity status from the FR Core identity-reliability extension', () => {
    expect(state).toMatchObject({ identityStatus: 'qualified', identityReliability: reliability('QUAL') });
  });

  it('gives back every element the client sent, besides the server-owned ones', () => {
    expect(withoutServerOwned(rendered)).toEqual(body);
  });

  it('is valid R4, with id, meta and who recorded the last change', () => {
    expectValidR4(rendered);
    expect(rendered).toMatchObject({ id: 'patient-1', meta: VERSION });
    expect(rendered.extension?.[0]).toEqual({
      url: PATIENT_EXTENSIONS.recordedBy,
      valueReference: { type: 'Practitioner', identifier: COORDINATOR.identifier, display: 'C' },
    });
  });

  it('PUT back unchanged is no event', async () => {
    const commands = await update(state, rendered);
    expect(commands.flatMap((command) => patientDecider.decide(command, state))).toEqual([]);
  });

  it('a minimal Patient renders as given', () => {
    const minimal: Patient = { resourceType: 'Patient', name: [{ text: 'X' }] };
    const out = patientResource(stateOf(registered(minimal)), VERSION);
    expect(withoutServerOwned(out)).toEqual(minimal);
    expectValidR4(out);
  });
});

describe('what a Patient body may say', () => {
  it('refuses an INS-NIR on a validated identity (422 naming the rule)', () => {
    const body = patientBody({ extension: [reliability('VALI')] });
    expect(businessRule(() => run([register(body)]))).toBe(PATIENT_RULES.insNirRequiresQualifiedIdentity);
    const withoutNir = { ...body, identifier: [{ system: IPP, value: 'IPP-42' }] };
    expect(stateOf(registered(withoutNir)).identityStatus).toBe('validated');
  });

  it('names the refused elements: modifierExtension, implicitRules, an unknown identity status, a system as GP', () => {
    const paths = validationIssues(() =>
      register(
        patientBody({
          modifierExtension: [{ url: 'urn:x', valueBoolean: true }],
          implicitRules: 'urn:rules',
          extension: [
            {
              url: PATIENT_EXTENSIONS.identityReliability,
              extension: [{ url: 'identityStatus', valueCoding: { system: 'urn:x', code: 'DOUB' } }],
            },
          ],
          generalPractitioner: [{ identifier: { system: 'urn:x', value: '1' } }],
        }),
      ),
    ).map((issue) => issue.path);
    expect(paths).toEqual([
      `Patient.extension('${PATIENT_EXTENSIONS.identityReliability}').extension('identityStatus').valueCoding`,
      'Patient.modifierExtension',
      'Patient.implicitRules',
      'Patient.generalPractitioner[0].identifier.system',
    ]);
  });

  it('a record is registered in use, not merged', () => {
    const paths = validationIssues(() =>
      register(patientBody({ link: [{ other: { reference: 'Patient/p2' }, type: 'replaced-by' }] })),
    ).map((issue) => issue.path);
    expect(paths).toEqual(['Patient.link']);
  });
});

describe('a PUT of a Patient', () => {
  const state = stateOf(registered());
  const rendered = patientResource(state, VERSION);

  it('a new address and médecin traitant: one event each', async () => {
    const body = {
      ...rendered,
      address: [{ city: 'Talence' }],
      generalPractitioner: [{ identifier: { system: 'https://rpps.esante.gouv.fr', value: '10001234567' } }],
    };
    const events = (await update(state, body)).flatMap((command) => patientDecider.decide(command, state));
    expect(events.map((e) => e.type)).toEqual([
      'PatientDemographicsChanged',
      'PatientGeneralPractitionerChanged',
    ]);
  });

  it('a replaced-by link merges the record into the other patient (looked up)', async () => {
    const inactive = stateOf(registered(patientBody({ active: false })));
    const body = {
      ...patientResource(inactive, VERSION),
      link: [
        { other: { reference: 'Patient/elsewhere' }, type: 'seealso' as const },
        { other: { reference: 'Patient/p2', display: 'Yvonne Martin' }, type: 'replaced-by' as const },
      ],
    };
    const commands = await update(inactive, body);
    expect(commands.map((c) => c.type)).toEqual(['RevisePatient', 'MergePatient']);
    const merged = stateOf(run(commands, registered(patientBody({ active: false }))));
    expect(merged.mergedInto).toEqual({
      patientId: 'p2',
      other: { reference: 'Patient/p2', display: 'Yvonne Martin' },
    });
    const out = patientResource(merged, { versionId: '2', lastUpdated: LATER });
    expect(out.link).toEqual(body.link);
    expectValidR4(out);
    // A merge is not undone; the merged record PUT back as it is changes nothing.
    await expect(update(merged, { ...out, link: [] })).rejects.toMatchObject({ rule: PATIENT_RULES.merged });
    const again = await update(merged, out);
    expect(again.flatMap((command) => patientDecider.decide(command, merged))).toEqual([]);
  });

  it('into an unknown patient: 422 naming the rule', async () => {
    const inactive = stateOf(registered(patientBody({ active: false })));
    const body = {
      ...patientResource(inactive, VERSION),
      link: [{ other: { reference: 'Patient/nobody' }, type: 'replaced-by' as const }],
    };
    const commands = await update(inactive, body, 'unknown');
    expect(businessRule(() => run(commands, registered(patientBody({ active: false }))))).toBe(
      PATIENT_RULES.mergeTargetUnknown,
    );
  });

  it('a merge target is a Patient of this server', async () => {
    const body = {
      ...rendered,
      link: [{ other: { reference: 'https://elsewhere/fhir/Patient/1' }, type: 'replaced-by' as const }],
    };
    await expect(update(state, body)).rejects.toMatchObject({
      issues: [{ path: 'Patient.link[0].other.reference', message: expect.any(String) as unknown }],
    });
  });

  it('the INS-NIR of a qualified identity', () => {
    expect(state.identifiers[0]).toEqual({ use: 'official', system: INS_NIR, value: '279035121518989' });
  });
});
