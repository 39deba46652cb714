import { describe, expect, it } from '@jest/globals';
import { BusinessRuleError, ForbiddenError } from '@carenet/eventsourcing';
import { deciderSpecification } from '@carenet/testing';
import {
  PATIENT_RULES,
  patientDecider,
  type MergePatient,
  type PatientCommand,
} from '../src/patient/index.js';
import {
  COORDINATOR,
  EHR,
  GP,
  INS_NIR,
  INS_TEST,
  IPP,
  LATER,
  NAM,
  PATIENT_ACTOR,
  REGISTERED,
} from './support/actors.js';
import {
  CONTENT,
  PATIENT_ID,
  register,
  reliability,
  revisionOf,
  run,
  stateOf,
} from './support/patient-fixtures.js';

const spec = deciderSpecification(patientDecider);
const rule = (code: string) => [BusinessRuleError, { rule: code }] as const;
const fact = (at = LATER) => ({ patientId: PATIENT_ID, by: COORDINATOR, at });
const NIR = { system: INS_NIR, value: '279035121518989' };

function merge(target: MergePatient['target'] = 'in-use', patientId = 'patient-2'): MergePatient {
  return {
    type: 'MergePatient',
    actor: COORDINATOR,
    now: LATER,
    into: { patientId, other: { reference: `Patient/${patientId}` } },
    target,
  };
}

describe('registering a patient', () => {
  it('PatientRegistered carries the full record', () => {
    spec
      .given([])
      .when(register())
      .then([{ type: 'PatientRegistered', data: { ...fact(REGISTERED), patient: CONTENT } }]);
  });

  it('is registered once, by a professional or a system, not by the patient', () => {
    spec
      .given(run([register()]))
      .when(register())
      .thenThrows(...rule(PATIENT_RULES.alreadyExists));
    expect(run([register({ actor: EHR })])).toHaveLength(1);
    spec
      .given([])
      .when(register({ actor: PATIENT_ACTOR }))
      .thenThrows(ForbiddenError);
  });

  it('an INS-NIR only on a qualified identity (RNIV)', () => {
    for (const [status, code] of [
      ['provisional', 'PROV'],
      ['recovered', 'RECUP'],
      ['validated', 'VALI'],
    ] as const) {
      spec
        .given([])
        .when(register({}, { identityStatus: status, identityReliability: reliability(code) }))
        .thenThrows(...rule(PATIENT_RULES.insNirRequiresQualifiedIdentity));
    }
    const { identityStatus: _s, identityReliability: _r, ...unstated } = CONTENT;
    spec
      .given([])
      .when({ ...register(), patient: unstated })
      .thenThrows(...rule(PATIENT_RULES.insNirRequiresQualifiedIdentity));
    // Without the INS-NIR, any status; the local identifier stays.
    const local = { identifiers: [{ system: IPP, value: 'IPP-42' }] };
    expect(
      run([
        register({}, { ...local, identityStatus: 'provisional', identityReliability: reliability('PROV') }),
      ]),
    ).toHaveLength(1);
  });

  it('a qualified identity carries its INS; one INS-NIR per person', () => {
    spec
      .given([])
      .when(register({}, { identifiers: [{ system: IPP, value: 'IPP-42' }] }))
      .thenThrows(...rule(PATIENT_RULES.qualifiedIdentityRequiresIns));
    expect(run([register({}, { identifiers: [{ system: INS_TEST, value: '1' }] })])).toHaveLength(1);
    spec
      .given([])
      .when(register({}, { identifiers: [NIR, { system: INS_NIR, value: '180012A00100143' }] }))
      .thenThrows(...rule(PATIENT_RULES.oneInsNir));
  });

  it('a Québec patient by NAM, without reliability stated', () => {
    const { identityStatus: _s, identityReliability: _r, ...rest } = CONTENT;
    const quebec = { ...rest, identifiers: [{ system: NAM, value: 'MART79531218' }] };
    expect(run([{ ...register(), patient: quebec }])).toHaveLength(1);
  });

  it('refuses a birth date in the future (a partial date too)', () => {
    spec
      .given([])
      .when(register({}, { birthDate: '2026-05-21' }))
      .thenThrows(...rule(PATIENT_RULES.birthDateInFuture));
    spec
      .given([])
      .when(register({}, { birthDate: '2027' }))
      .thenThrows(...rule(PATIENT_RULES.birthDateInFuture));
    expect(run([register({}, { birthDate: '2026-05' })])).toHaveLength(1);
  });

  it('nothing else happens to a patient that does not exist', () => {
    spec
      .given([])
      .when(merge())
      .thenThrows(...rule(PATIENT_RULES.notRegistered));
  });
});

describe('revising a patient', () => {
  const registered = run([register()]);

  it('the record stated as it is: no event', () => {
    spec.given(registered).when(revisionOf(registered, LATER)).then([]);
  });

  it('one event per fact: identity, demographics, médecin traitant', () => {
    const revision = revisionOf(registered, LATER);
    const { birthDate: _birthDate, ...withoutBirthDate } = revision.demographics;
    const newGp = [
      { type: 'Practitioner', identifier: { system: GP.identifier.system, value: '810000000099' } },
    ];
    spec
      .given(registered)
      .when({
        ...revision,
        identity: { ...revision.identity, identifiers: [NIR] },
        demographics: { ...withoutBirthDate, names: [{ family: 'Martin-Dupont' }] },
        generalPractitioner: newGp,
      })
      .then([
        {
          type: 'PatientIdentityChanged',
          data: {
            ...fact(),
            identifiers: [NIR],
            identityStatus: 'qualified',
            previousIdentityStatus: 'qualified',
            identityReliability: reliability('QUAL'),
          },
        },
        {
          type: 'PatientDemographicsChanged',
          data: { ...fact(), changed: { names: [{ family: 'Martin-Dupont' }] }, removed: ['birthDate'] },
        },
        { type: 'PatientGeneralPractitionerChanged', data: { ...fact(), generalPractitioner: newGp } },
      ]);
  });

  it('a downgraded identity drops its INS-NIR, or is refused', () => {
    const revision = revisionOf(registered, LATER);
    spec
      .given(registered)
      .when({
        ...revision,
        identity: {
          ...revision.identity,
          identityStatus: 'validated',
          identityReliability: reliability('VALI'),
        },
      })
      .thenThrows(...rule(PATIENT_RULES.insNirRequiresQualifiedIdentity));
    const events = run(
      [
        {
          ...revision,
          identity: {
            identifiers: [{ system: IPP, value: 'IPP-42' }],
            identityStatus: 'validated',
            identityReliability: reliability('VALI'),
          },
        },
      ],
      registered,
    );
    expect(stateOf(events)).toMatchObject({
      identityStatus: 'validated',
      identifiers: [{ system: IPP, value: 'IPP-42' }],
    });
  });

  it('the patient does not change their record themself', () => {
    spec
      .given(registered)
      .when({
        ...revisionOf(registered, LATER),
        actor: PATIENT_ACTOR,
        demographics: { ...revisionOf(registered, LATER).demographics, names: [] },
      })
      .thenThrows(ForbiddenError);
  });
});

describe('merging duplicates', () => {
  const inactive = run([register({}, { active: false })]);

  it('PatientMerged names the surviving record and carries the identifiers', () => {
    spec
      .given(inactive)
      .when(merge())
      .then([
        {
          type: 'PatientMerged',
          data: {
            ...fact(),
            into: { patientId: 'patient-2', other: { reference: 'Patient/patient-2' } },
            identifiers: CONTENT.identifiers,
          },
        },
      ]);
    expect(stateOf(run([merge()], inactive)).mergedInto?.patientId).toBe('patient-2');
  });

  it('into an existing record in use, not itself, not a merged one; the merged record is inactive', () => {
    spec
      .given(inactive)
      .when(merge('unknown'))
      .thenThrows(...rule(PATIENT_RULES.mergeTargetUnknown));
    spec
      .given(inactive)
      .when(merge('merged'))
      .thenThrows(...rule(PATIENT_RULES.mergeTargetMerged));
    spec
      .given(inactive)
      .when(merge('in-use', PATIENT_ID))
      .thenThrows(...rule(PATIENT_RULES.mergeIntoItself));
    spec
      .given(run([register()]))
      .when(merge())
      .thenThrows(...rule(PATIENT_RULES.mergedIsInactive));
  });

  it('a merged record no longer changes; the same merge again is nothing', () => {
    const merged = run([merge()], inactive);
    spec.given(merged).when(merge()).then([]);
    spec
      .given(merged)
      .when(merge('in-use', 'patient-3'))
      .thenThrows(...rule(PATIENT_RULES.merged));
    const revision = revisionOf(merged, LATER);
    const changes: PatientCommand = { ...revision, demographics: { ...revision.demographics, names: [] } };
    spec
      .given(merged)
      .when(changes)
      .thenThrows(...rule(PATIENT_RULES.merged));
    spec.given(merged).when(revision).then([]);
  });
});
