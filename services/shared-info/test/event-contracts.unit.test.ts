import { describe, expect, it } from '@jest/globals';
import { loadContractRegistry, PERSONAL_DATA_KEYWORD, type JsonObject } from '@carenet/contracts';
import { CONSENT_EVENT_TYPES, type ConsentEvent } from '../src/consent/index.js';
import { PATIENT_EVENT_TYPES, type PatientEvent } from '../src/patient/index.js';
import { COORDINATOR, GP, IPP, LATER, MUCH_LATER, PATIENT_ACTOR } from './support/actors.js';
import {
  CONTENT as CONSENT,
  record,
  revisionOf as consentRevision,
  run as runConsent,
} from './support/consent-fixtures.js';
import { register, revisionOf, run as runPatient } from './support/patient-fixtures.js';

const contracts = loadContractRegistry();
const ceType = (type: string) => `carenet.shared-info.${type}.v1`;

/** Events of every kind, as the deciders produce them in the scenarios of the other tests. */
function patientEvents(): PatientEvent[] {
  const registered = runPatient([register({}, { active: false })]);
  const revision = revisionOf(registered, LATER);
  const { birthDate: _b, ...withoutBirthDate } = revision.demographics;
  return runPatient(
    [
      {
        ...revision,
        identity: { identifiers: [{ system: IPP, value: 'IPP-42' }], identityStatus: 'provisional' },
        demographics: {
          ...withoutBirthDate,
          names: [{ family: 'Martin-Dupont' }],
          kept: { photo: [{ url: 'urn:p' }] },
        },
        generalPractitioner: [{ reference: 'Practitioner/gp', display: 'Dr B' }],
      },
      {
        type: 'MergePatient',
        actor: COORDINATOR,
        now: LATER,
        into: { patientId: 'patient-2', other: { reference: 'Patient/patient-2' } },
        target: 'in-use',
      },
    ],
    registered,
  );
}

function consentEvents(): ConsentEvent[] {
  const given = runConsent([record()]);
  const draft = runConsent([{ ...record({ status: 'draft' }), consentId: 'c-2' }]);
  const proposed = runConsent(
    [{ ...consentRevision(draft, 'proposed'), kept: { identifier: [{ value: 'x' }] } }],
    draft,
  );
  const offered = runConsent([{ ...record({ status: 'proposed' }), consentId: 'c-3' }]);
  return [
    ...runConsent([consentRevision(given, 'inactive', MUCH_LATER)], given),
    ...runConsent([consentRevision(proposed, 'active', MUCH_LATER)], proposed),
    ...runConsent([consentRevision(offered, 'rejected')], offered),
    ...runConsent([{ ...consentRevision(given, 'entered-in-error'), actor: PATIENT_ACTOR }], given).slice(
      given.length,
    ),
  ];
}

describe('every shared-info event validates against its contract', () => {
  const events: (PatientEvent | ConsentEvent)[] = [...patientEvents(), ...consentEvents()];

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([...PATIENT_EVENT_TYPES, ...CONSENT_EVENT_TYPES]),
    );
  });

  it.each([...PATIENT_EVENT_TYPES, ...CONSENT_EVENT_TYPES])(
    '%s.v1 has a contract on carenet.shared-info',
    (type) => {
      expect(contracts.get(ceType(type))).toMatchObject({
        topic: 'carenet.shared-info',
        ceSource: '/carenet/shared-info',
      });
    },
  );

  it('each produced event is valid', () => {
    for (const event of events) {
      expect({ type: event.type, result: contracts.validate(ceType(event.type), event.data) }).toEqual({
        type: event.type,
        result: { ok: true },
      });
    }
  });

  it('the schemas are closed: an unknown property is refused, at any depth of the service’s own objects', () => {
    const registered = events.find((event) => event.type === 'PatientRegistered')!.data;
    expect(contracts.validate(ceType('PatientRegistered'), { ...registered, extra: 1 })).toMatchObject({
      ok: false,
      errors: [{ path: '/extra', message: 'is not an allowed property' }],
    });
    const recorded = events.find((event) => event.type === 'ConsentRecorded')!.data;
    const provision = { ...CONSENT.provision, scope: 'everything' };
    expect(
      contracts.validate(ceType('ConsentRecorded'), { ...recorded, consent: { ...CONSENT, provision } }),
    ).toMatchObject({ ok: false, errors: [{ path: '/consent/provision/scope' }] });
    expect(
      contracts.validate(ceType('ConsentWithdrawn'), {
        consentId: 'c',
        by: GP,
        at: LATER,
        previousStatus: 'active',
      }),
    ).toMatchObject({ ok: false, errors: [{ path: '/patient', message: 'is required' }] });
  });

  it('marks personal data: the patient’s identifiers, names, birth date, address; the patient of every Consent event', () => {
    const marked = (type: string, ...path: string[]): unknown => {
      const schema = contracts.get(ceType(type))!.schema;
      let node: JsonObject = schema;
      for (const key of path) {
        const next = (node.properties as JsonObject | undefined)?.[key] as JsonObject;
        node =
          typeof next.$ref === 'string'
            ? ((schema.$defs as JsonObject)[next.$ref.split('/').at(-1)!] as JsonObject)
            : next;
      }
      return node[PERSONAL_DATA_KEYWORD];
    };
    for (const field of [
      'identifiers',
      'names',
      'birthDate',
      'addresses',
      'telecom',
      'generalPractitioner',
    ]) {
      expect([field, marked('PatientRegistered', 'patient', field)]).toEqual([field, true]);
    }
    for (const type of CONSENT_EVENT_TYPES) expect([type, marked(type, 'patient')]).toEqual([type, true]);
    expect(marked('ConsentRecorded', 'consent', 'informationGiven')).toBe(true);
    expect(marked('PatientRegistered', 'at')).toBeUndefined();
  });
});
