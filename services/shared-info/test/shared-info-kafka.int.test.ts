// Patient, Consent, Communication and DocumentReference events on the real Kafka broker: the relay publishes every event of a
// patient's record and of a consent's life (each checked against its contract before it leaves),
// a consumer group reads them back through the common pipeline (contract check again, inbox), in
// stream order, each once; the Consent events read from the topic fold into the access facts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consent, Patient } from 'fhir/r4.js';
import { Kafka, logLevel } from 'kafkajs';
import { loadContractRegistry } from '@carenet/contracts';
import {
  startKafkaConsumer,
  startRelay,
  type IncomingEvent,
  type RunningConsumer,
  type RunningRelay,
} from '@carenet/messaging';
import { testKafkaBrokers, uniqueName } from '@carenet/testing';
import { consentAccessFacts, SHARED_INFO_CATEGORIES } from '../src/index.js';
import type { ConsentEvent } from '../src/consent/index.js';
import { COORDINATOR, GP, PATIENT_INS } from './support/actors.js';
import { consentBody, patientBody } from './support/fhir-fixtures.js';
import { communicationBody, documentBody } from './support/information-fixtures.js';
import { startSharedInfoServer, type SharedInfoServer } from './support/shared-info-server.js';

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the events');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('shared-info events on Kafka', () => {
  const kafka = new Kafka({
    clientId: 'shared-info-kafka-test',
    brokers: testKafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const contracts = loadContractRegistry();
  let server: SharedInfoServer;
  let relay: RunningRelay;
  let consumer: RunningConsumer;
  const received: IncomingEvent[] = [];
  // A topic of this test only: the broker is shared by every test file.
  const topic = uniqueName('carenet.shared-info');

  beforeAll(async () => {
    server = await startSharedInfoServer('shared-info-kafka');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    relay = startRelay({
      store: server.service.store,
      kafka,
      relayId: uniqueName('shared-info-relay'),
      categories: SHARED_INFO_CATEGORIES,
      topicOf: () => topic,
      contracts,
      pollIntervalMs: 50,
    });
    consumer = await startKafkaConsumer({
      kafka,
      topics: [topic],
      groupId: uniqueName('shared-info-reader'),
      db: server.db,
      contracts,
      handler: (event) => {
        received.push(event);
        return Promise.resolve();
      },
    });
    await consumer.ready;
  });
  afterAll(async () => {
    await consumer.stop();
    await relay.stop();
    await server.close();
  });

  it('publishes the events of a Patient, a Consent, a Communication and a DocumentReference on carenet.shared-info, valid, in stream order', async () => {
    const patient = await server.call(COORDINATOR, 'POST', 'Patient', patientBody());
    expect(patient.status).toBe(201);
    const patientId = String(patient.body.id);
    const moved = await server.call(COORDINATOR, 'PUT', `Patient/${patientId}`, {
      ...(patient.body as unknown as Patient),
      address: [{ city: 'Talence' }],
    });
    expect(moved.status).toBe(200);

    const consent = await server.call(COORDINATOR, 'POST', 'Consent', consentBody());
    expect(consent.status).toBe(201);
    const consentId = String(consent.body.id);
    const withdrawn = await server.call(COORDINATOR, 'PUT', `Consent/${consentId}`, {
      ...(consent.body as unknown as Consent),
      status: 'inactive',
    });
    expect(withdrawn.status).toBe(200);

    for (const [stream, types] of [
      [`Patient-${patientId}`, ['PatientRegistered', 'PatientDemographicsChanged']],
      [`Consent-${consentId}`, ['ConsentRecorded', 'ConsentWithdrawn']],
    ] as const) {
      const stored = await server.service.store.readStream(stream);
      expect(stored.map((e) => e.type)).toEqual(types);
      const ofStream = () => received.filter((e) => e.subject === stream);
      await until(() => ofStream().length >= stored.length);
      const events = ofStream();
      expect(events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      expect(events.map((e) => e.type)).toEqual(stored.map((e) => `carenet.shared-info.${e.type}.v1`));
      for (const event of events) {
        expect(event.source).toBe('/carenet/shared-info');
        expect(contracts.validate(event.type, event.data)).toEqual({ ok: true });
      }
    }

    // Shared information: the patient and the category on every event, for the access decision.
    const communication = await server.call(GP, 'POST', 'Communication', communicationBody());
    const document = await server.call(GP, 'POST', 'DocumentReference', documentBody());
    expect([communication.status, document.status]).toEqual([201, 201]);
    const superseded = await server.call(GP, 'PUT', `DocumentReference/${String(document.body.id)}`, {
      ...document.body,
      status: 'superseded',
    });
    expect(superseded.status).toBe(200);
    for (const [stream, types] of [
      [`Communication-${String(communication.body.id)}`, ['CommunicationRecorded']],
      [
        `DocumentReference-${String(document.body.id)}`,
        ['DocumentReferenceRecorded', 'DocumentReferenceSuperseded'],
      ],
    ] as const) {
      const ofStream = () => received.filter((e) => e.subject === stream);
      await until(() => ofStream().length >= types.length);
      expect(ofStream().map((e) => e.type)).toEqual(types.map((type) => `carenet.shared-info.${type}.v1`));
      for (const event of ofStream()) {
        expect(contracts.validate(event.type, event.data)).toEqual({ ok: true });
        expect(event.data).toMatchObject({ patient: PATIENT_INS, category: 'medical' });
      }
    }

    // A consumer builds the access facts from the topic alone: the consent, ended at its withdrawal.
    const consentEvents = received
      .filter((e) => e.subject === `Consent-${consentId}`)
      .map((e) => ({ type: e.type.split('.')[2], data: e.data }) as unknown as ConsentEvent);
    const withdrawal = consentEvents.at(-1)!.data.at;
    expect(consentAccessFacts(consentEvents, PATIENT_INS).consents).toEqual([
      expect.objectContaining({
        source: `Consent/${consentId}`,
        categories: ['social', 'medico-social'],
        period: { start: '2026-05-20T00:00:00.000Z', end: withdrawal },
      }),
    ]);
  });
});
