// Issue 20, a subscriber in another language: examples/python-subscriber (confluent-kafka, in a
// Python environment the test provisions from PyPI) reads this platform's carenet.tasks topic on
// the real broker, after Tasks were delegated and one transferred for a period, and after part of
// the topic was delivered twice (as a relay restart or a replay would): it finds every header,
// every value valid against its JSON Schema, no gap per key once deduplicated by ce_id, the
// duplicates counted, and, from the responsibility ledgers the events carry, the same accountable
// parties and performer as the service's own `$responsibility` answers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Parameters, Task } from 'fhir/r4.js';
import type { FhirResource } from 'fhir-kit-client';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { ensurePythonEnvironment, repositoryRoot, testKafkaBrokers, uniqueName } from '@carenet/testing';
import { DR_B, IDEL, Y } from './support/ppcs-scenario.js';
import { startPpcsPlatform, type PpcsPlatform } from './support/ppcs-platform.js';

const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
const REPLACEMENT = '860000000002';
const example = join(repositoryRoot(), 'examples', 'python-subscriber');
const asFhir = (resource: object) => resource as unknown as FhirResource;
const as = async <T>(call: Promise<unknown>): Promise<T> => (await call) as T;
const IDEL_IDNPS = '860000000001';

interface Summary {
  readonly messages: number;
  readonly events: number;
  readonly duplicates: number;
  readonly headerErrors: string[];
  readonly invalid: string[];
  readonly orderErrors: string[];
  readonly responsible: Record<string, { accountable: string[]; performer: string[] }>;
}

describe('a subscriber in Python (confluent-kafka) on carenet.tasks', () => {
  let platform: PpcsPlatform;
  let python: string;

  beforeAll(async () => {
    python = ensurePythonEnvironment(join(example, 'requirements.txt'), (line) =>
      process.stdout.write(`[python] ${line}\n`),
    );
    platform = await startPpcsPlatform('python-subscriber');
  }, 300_000);
  afterAll(async () => {
    await platform.close();
  });

  it('checks headers and schemas, dedupes, checks order, and rebuilds who is responsible', async () => {
    const gp = await platform.clientFor(DR_B);
    const nurse = await platform.clientFor(IDEL);
    const tasks: Task[] = [];
    for (const text of ['Wound care', 'Blood test', 'Insulin']) {
      tasks.push(
        await as<Task>(
          gp.create({
            resourceType: 'Task',
            body: asFhir({
              resourceType: 'Task',
              status: 'requested',
              intent: 'order',
              code: { text },
              for: { identifier: Y },
              owner: { identifier: { system: IDNPS, value: IDEL_IDNPS } },
            }),
          }),
        ),
      );
    }
    // The nurse accepts the first and hands it to a colleague for her leave.
    const first = tasks[0]!;
    const accepted = await as<Task>(
      nurse.update({
        resourceType: 'Task',
        id: first.id ?? '',
        body: asFhir({ ...first, status: 'accepted' }),
        options: { headers: { 'If-Match': `W/"${first.meta?.versionId ?? ''}"` } },
      }),
    );
    expect(accepted.status).toBe('accepted');
    await nurse.operation({
      resourceType: 'Task',
      id: first.id ?? '',
      name: '$transfer',
      input: asFhir({
        resourceType: 'Parameters',
        parameter: [
          { name: 'owner', valueReference: { identifier: { system: IDNPS, value: REPLACEMENT } } },
          { name: 'reason', valueString: 'leave' },
          {
            name: 'period',
            valuePeriod: { start: '2026-06-01T00:00:00.000Z', end: '2026-06-15T23:59:59.999Z' },
          },
          { name: 'responsibilityMoves', valueBoolean: true },
        ],
      }),
    });

    // Every Task event on the topic, then part of them again: at-least-once delivery.
    const topic = platform.topics.tasks ?? '';
    const kafka = new Kafka({
      clientId: uniqueName('py-test'),
      brokers: testKafkaBrokers(),
      logLevel: logLevel.NOTHING,
    });
    const published: Message[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('py-test-reader') });
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    const expectedEvents = 3 * 1 + 2; // three creations, an acceptance, a transfer
    await new Promise<void>((resolve) => {
      void reader.run({
        eachMessage: ({ message }) => {
          published.push({ key: message.key, value: message.value, headers: message.headers! });
          if (published.length >= expectedEvents) resolve();
          return Promise.resolve();
        },
      });
    });
    await reader.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const again = published.slice(0, 3);
    await producer.send({ topic, messages: again });
    await producer.disconnect();

    const at = '2026-06-05T12:00:00.000Z';
    // Asynchronously: the platform's HTTP server keeps serving meanwhile.
    const run = await promisify(execFile)(
      python,
      [
        join(example, 'carenet_subscriber.py'),
        '--brokers',
        testKafkaBrokers().join(','),
        '--topic',
        topic,
        '--group',
        uniqueName('region-na.py'),
        '--contracts',
        join(repositoryRoot(), 'contracts', 'events'),
        '--idle-seconds',
        '8',
        '--at',
        at,
        '--json',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    // A non-zero exit rejects (with its output): here it exited 0.
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary).toMatchObject({
      messages: published.length + again.length,
      events: published.length,
      duplicates: again.length,
      headerErrors: [],
      invalid: [],
      orderErrors: [],
    });

    // Who is responsible, per the ledgers on the topic = per the service.
    for (const task of tasks) {
      const answer = (await gp.operation({
        resourceType: 'Task',
        id: task.id ?? '',
        name: '$responsibility',
        method: 'GET',
        input: { at },
      })) as Parameters;
      const keys = (name: string) =>
        (answer.parameter ?? [])
          .filter((p) => p.name === name)
          .map(
            (p) =>
              `${p.valueReference?.identifier?.system ?? ''}|${p.valueReference?.identifier?.value ?? ''}`,
          );
      expect(summary.responsible[task.id ?? '']).toEqual({
        accountable: keys('accountable'),
        performer: keys('performer'),
      });
    }
    // The transfer holds on that day: the colleague performs the first Task.
    expect(summary.responsible[first.id ?? '']?.performer).toEqual([`${IDNPS}|${REPLACEMENT}`]);
  }, 240_000);
});
