import { describe, expect, it } from '@jest/globals';
import { loadContractRegistry, PERSONAL_DATA_KEYWORD, type JsonObject } from '@carenet/contracts';
import { COMMUNICATION_EVENT_TYPES, type CommunicationEvent } from '../src/communication/index.js';
import { CONSENT_EVENT_TYPES, type ConsentEvent } from '../src/consent/index.js';
import {
  DOCUMENT_REFERENCE_EVENT_TYPES,
  type DocumentReferenceEvent,
} from '../src/document-reference/index.js';
import { PATIENT_EVENT_TYPES, type PatientEvent } from '../src/patient/index.js';
import { COORDINATOR, GP, IPP, LATER, MUCH_LATER, PATIENT_ACTOR } from './support/actors.js';
import {
  CONTENT as CONSENT,
  record,
  revisionOf as consentRevision,
  run as runConsent,
} from './support/consent-fixtures.js';
import {
  communicationRevision,
  documentRevision,
  recordCommunication,
  recordDocument,
  runCommunication,
  runDocument,
} from './support/information-fixtures.js';
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

function communicationEvents(): CommunicationEvent[] {
  const { sent: _sent, ...unsent } = recordCommunication().communication;
  const draft = runCommunication([
    { ...recordCommunication(), communication: { ...unsent, status: 'preparation' } },
  ]);
  const started = runCommunication([communicationRevision(draft, 'in-progress')], draft);
  const held = runCommunication([communicationRevision(started, 'on-hold')], started);
  const sent = runCommunication(
    [communicationRevision(held, 'completed', { sent: LATER }, MUCH_LATER)],
    held,
  );
  const stopped = runCommunication([communicationRevision(draft, 'stopped')], draft).slice(draft.length);
  const wrong = runCommunication([communicationRevision(sent, 'entered-in-error', {}, MUCH_LATER)], sent);
  return [...wrong, ...stopped];
}

function documentEvents(): DocumentReferenceEvent[] {
  const recorded = runDocument([recordDocument()]);
  const superseded = runDocument(
    [{ ...documentRevision(recorded, 'superseded'), kept: { docStatus: 'amended' } }],
    recorded,
  );
  return runDocument([documentRevision(superseded, 'entered-in-error')], superseded);
}

const ALL_TYPES = [
  ...PATIENT_EVENT_TYPES,
  ...CONSENT_EVENT_TYPES,
  ...COMMUNICATION_EVENT_TYPES,
  ...DOCUMENT_REFERENCE_EVENT_TYPES,
];

describe('every shared-info event validates against its contract', () => {
  const events: (PatientEvent | ConsentEvent | CommunicationEvent | DocumentReferenceEvent)[] = [
    ...patientEvents(),
    ...consentEvents(),
    ...communicationEvents(),
    ...documentEvents(),
  ];

  it('the scenarios produce every event type', () => {
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(ALL_TYPES));
  });

  it.each(ALL_TYPES)('%s.v1 has a contract on carenet.shared-info', (type) => {
    expect(contracts.get(ceType(type))).toMatchObject({
      topic: 'carenet.shared-info',
      ceSource: '/carenet/shared-info',
    });
  });

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
    const communication = events.find((event) => event.type === 'CommunicationRecorded')!.data as {
      communication: { sender: object };
    };
    expect(
      contracts.validate(ceType('CommunicationRecorded'), {
        ...communication,
        communication: {
          ...communication.communication,
          sender: { ...communication.communication.sender, x: 1 },
        },
      }),
    ).toMatchObject({ ok: false, errors: [{ path: '/communication/sender/x' }] });
    const document = events.find((event) => event.type === 'DocumentReferenceRecorded')!.data;
    expect(
      contracts.validate(ceType('DocumentReferenceRecorded'), { ...document, category: 'financial' }),
    ).toMatchObject({ ok: false, errors: [{ path: '/category' }] });
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
    // Shared information: the patient, the subject, the text and attachments sent, who sent and received.
    for (const type of [...COMMUNICATION_EVENT_TYPES, ...DOCUMENT_REFERENCE_EVENT_TYPES]) {
      expect([type, marked(type, 'patient')]).toEqual([type, true]);
    }
    for (const field of ['subject', 'subjectReference', 'payload', 'sender', 'recipients', 'kept']) {
      expect([field, marked('CommunicationRecorded', 'communication', field)]).toEqual([field, true]);
      expect([field, marked('CommunicationRevised', 'changed', field)]).toEqual([field, true]);
    }
    for (const field of ['subject', 'subjectReference', 'content', 'authors', 'kept']) {
      expect([field, marked('DocumentReferenceRecorded', 'document', field)]).toEqual([field, true]);
    }
    expect(marked('PatientRegistered', 'at')).toBeUndefined();
  });
});
