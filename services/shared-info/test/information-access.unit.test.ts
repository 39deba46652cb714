import { describe, expect, it } from '@jest/globals';
import { patientKeyOfResource, type DataCategory } from '@carenet/access';
import type { AccessGate, Principal } from '@carenet/fhir';
import type { Resource } from 'fhir/r4.js';
import { generalPractitionerFacts } from '../src/access-facts/index.js';
import { informationAccessGate, informationPatientKeyOf } from '../src/access/index.js';
import { GP, INS_NIR, PATIENT_INS } from './support/actors.js';
import { communicationBody, documentBody, informationCategory } from './support/information-fixtures.js';
import { register, run as runPatient, stateOf as patientState } from './support/patient-fixtures.js';

const key = `${PATIENT_INS.system}|${PATIENT_INS.value}`;

describe('the access decision on shared information is made for its own category', () => {
  const keyOf = informationPatientKeyOf(patientKeyOfResource);

  it('the search read model keeps the patient key qualified by the category, for Communication and DocumentReference only', () => {
    expect(keyOf(communicationBody())).toBe(`medical:${key}`);
    expect(keyOf(documentBody({ category: [informationCategory('social')] }))).toBe(`social:${key}`);
    expect(keyOf(communicationBody({ category: undefined }))).toBe(`medical:${key}`);
    expect(keyOf({ resourceType: 'Task', for: { identifier: PATIENT_INS } } as Resource)).toBe(key);
  });

  /** A gate that records which category each call was decided for. */
  const calls: string[] = [];
  const gateFor = (categoryOf: (type: string) => DataCategory): AccessGate => ({
    checkRead(_principal, resource) {
      calls.push(`read ${resource.resourceType} ${categoryOf(resource.resourceType)}`);
      return Promise.resolve(undefined);
    },
    visibility(_principal, type) {
      const category = categoryOf(type);
      return category === 'medical'
        ? { sql: 'SELECT NULL::text WHERE false', params: [] }
        : { sql: 'SELECT $1::text WHERE $2::text IS NOT NULL', params: [key, category] };
    },
  });
  const gate = informationAccessGate(gateFor, (type) => (type === 'CarePlan' ? 'medico-social' : 'medical'));
  const principal = {} as Principal;

  it('a read is decided for the resource’s category; other types for their type’s', async () => {
    await gate.checkRead(principal, communicationBody({ category: [informationCategory('social')] }));
    await gate.checkRead(principal, documentBody());
    await gate.checkRead(principal, { resourceType: 'CarePlan' });
    expect(calls).toEqual([
      'read Communication social',
      'read DocumentReference medical',
      'read CarePlan medico-social',
    ]);
  });

  it('a search sees, per category, the qualified keys of the patients visible for it (parameters renumbered)', () => {
    expect(gate.visibility(principal, 'Communication')).toEqual({
      sql: [
        "SELECT 'medical:' || v.k FROM (SELECT NULL::text WHERE false) AS v(k) WHERE v.k IS NOT NULL",
        "SELECT 'social:' || v.k FROM (SELECT $1::text WHERE $2::text IS NOT NULL) AS v(k) WHERE v.k IS NOT NULL",
        "SELECT 'medico-social:' || v.k FROM (SELECT $3::text WHERE $4::text IS NOT NULL) AS v(k) WHERE v.k IS NOT NULL",
      ].join('\nUNION ALL\n'),
      params: [key, 'social', key, 'medico-social'],
    });
    expect(gate.visibility(principal, 'Task')).toEqual({ sql: 'SELECT NULL::text WHERE false', params: [] });
  });

  it('every patient in one category (an administrator) is every patient', () => {
    const open = informationAccessGate(
      () => ({ checkRead: () => Promise.resolve(undefined), visibility: () => undefined }),
      () => 'medical',
    );
    expect(open.visibility(principal, 'DocumentReference')).toBeUndefined();
  });
});

describe('the médecin traitant is a care relation', () => {
  it('each general practitioner named by national identifier, keyed by the patient’s INS', () => {
    const state = patientState(runPatient([register()]));
    expect(generalPractitionerFacts(state)).toEqual({
      patient: { system: INS_NIR, value: PATIENT_INS.value },
      relations: [
        {
          party: expect.objectContaining({ kind: 'professional', identifier: GP.identifier }),
          basis: 'care-team',
          period: {},
        },
      ],
    });
    expect(generalPractitionerFacts({ ...state, generalPractitioner: [] })).toBeUndefined();
    expect(
      generalPractitionerFacts({
        ...state,
        mergedInto: { patientId: 'p-2', other: { reference: 'Patient/p-2' } },
      }),
    ).toBeUndefined();
    expect(generalPractitionerFacts({ exists: false })).toBeUndefined();
  });
});
