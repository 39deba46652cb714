// Issue 14, trace context across the PPCS flow over the real Kafka broker: the `traceparent` of the
// FHIR request that caused an event is the one the event carries (its metadata, then the Kafka
// header), and each consumer continues it on the events it appends: a plan activated with a known
// trace gives Tasks (tasks consumer) and activity links (care-plans consumer) in that trace; a Task
// started with another gives the plan's progress in that one; an observer on the store log (the
// relay's envelope) checks the header and what a handler is given. No OpenTelemetry SDK is
// installed: the spans are non-recording and carry the caller's span context, so the ids come
// through as sent.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, CarePlan, Parameters, Task } from 'fhir/r4.js';
import type { Client, FhirResource } from 'fhir-kit-client';
import { loadContractRegistry } from '@carenet/contracts';
import { parseTraceparent, type RecordedEvent } from '@carenet/eventsourcing';
import {
  startEventSubscriber,
  type IncomingEvent,
  type MessageTrace,
  type RunningConsumer,
} from '@carenet/messaging';
import { uniqueName } from '@carenet/testing';
import { activity, C, D, draftPpcs, DR_B, IDEL, PHARMACIST, ref } from './support/ppcs-scenario.js';
import { startPpcsPlatform, type PpcsPlatform } from './support/ppcs-platform.js';
import { until as pollUntil } from './support/until.js';

const asFhir = (resource: object) => resource as unknown as FhirResource;
const as = async <T>(call: Promise<unknown>): Promise<T> => (await call) as T;

/** A caller's W3C trace context, as an upstream system would send it. */
function callerTrace(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

const traceIdOf = (event: RecordedEvent) => parseTraceparent(event.metadata.traceparent)?.traceId;

/** Polls until the probe gives a value (20_000 ms at most unless told). */
const until = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000) =>
  pollUntil(probe, what, timeoutMs);

function plan(): CarePlan {
  return draftPpcs('PPCS of Y (trace context)', [
    activity(ref(IDEL), 'Wound care', { scheduledPeriod: { start: D, end: '2026-05-22T08:00:00.000Z' } }),
  ]);
}

describe('trace context: from the FHIR request to the events, on Kafka and through the consumers', () => {
  let platform: PpcsPlatform;
  let coordinator: Client;
  let carePlan: CarePlan;
  const planEvents = () => platform.carePlans.store.readStream(`CarePlan-${carePlan.id ?? ''}`);

  // What a consumer of the plan's events sees (the store-log source: the relay's envelope).
  const delivered: { event: IncomingEvent; trace: MessageTrace }[] = [];
  let observer: RunningConsumer;

  beforeAll(async () => {
    platform = await startPpcsPlatform('trace-context');
    coordinator = await platform.clientFor(C);
    observer = await startEventSubscriber(
      {
        groupId: uniqueName('trace-observer'),
        categories: ['CarePlan'],
        handler: (event, _tx, trace) => {
          delivered.push({ event, trace });
          return Promise.resolve();
        },
      },
      { kind: 'store-log', store: platform.carePlans.store, pollIntervalMs: 20 },
      { db: platform.db, contracts: loadContractRegistry() },
    );
  });
  afterAll(async () => {
    await observer.stop();
    await platform.close();
  });

  it('a request without traceparent: its events carry one valid new trace, the same for all', async () => {
    carePlan = await as<CarePlan>(coordinator.create({ resourceType: 'CarePlan', body: asFhir(plan()) }));
    const drafted = await planEvents();
    expect(drafted.length).toBeGreaterThan(0);
    const traceparents = new Set(drafted.map((e) => e.metadata.traceparent));
    expect(traceparents.size).toBe(1);
    const [traceparent] = [...traceparents];
    expect(traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(parseTraceparent(traceparent)).toBeDefined(); // no all-zero ids

    // Another request without one: another trace.
    const drB = await platform.clientFor(DR_B);
    await drB.operation({
      resourceType: 'CarePlan',
      id: carePlan.id ?? '',
      name: '$validate-plan',
      input: asFhir({ resourceType: 'Parameters' }),
    });
    const validated = (await planEvents()).slice(drafted.length);
    expect(validated.length).toBeGreaterThan(0);
    expect(new Set(validated.map(traceIdOf)).size).toBe(1);
    expect(traceIdOf(validated[0]!)).not.toBe(traceIdOf(drafted[0]!));
  });

  it("the plan's activation: its events carry the caller's trace, and so do the Tasks and links the consumers make", async () => {
    const agreement: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'agreedBy', valueCode: 'patient' },
        { name: 'method', valueCode: 'oral' },
      ],
    };
    await coordinator.operation({
      resourceType: 'CarePlan',
      id: carePlan.id ?? '',
      name: '$record-agreement',
      input: asFhir(agreement),
    });
    const before = (await planEvents()).length;
    const caller = callerTrace();
    const current = await as<CarePlan>(coordinator.read({ resourceType: 'CarePlan', id: carePlan.id ?? '' }));
    await coordinator.update({
      resourceType: 'CarePlan',
      id: carePlan.id ?? '',
      body: asFhir({ ...current, status: 'active' }),
      options: { headers: { traceparent: caller.traceparent } },
    });

    // The request's events: the caller's traceparent (no SDK: the server span is the caller's).
    const activation = (await planEvents()).slice(before);
    expect(activation.map((e) => e.type)).toContain('CarePlanActionsScheduled');
    for (const event of activation) expect(event.metadata.traceparent).toBe(caller.traceparent);
    // Their envelope's traceparent header; a consumer's span continues it (no SDK: as it came).
    const scheduled = activation.find((e) => e.type === 'CarePlanActionsScheduled')!;
    const seen = await until(
      () => Promise.resolve(delivered.find((d) => d.event.id === scheduled.id)),
      'the delivery of CarePlanActionsScheduled',
    );
    expect(seen.event.traceparent).toBe(caller.traceparent);
    expect(seen.trace.traceparent).toBe(caller.traceparent);

    // Over Kafka, the tasks consumer continues it: the Task's events are in the caller's trace.
    const task = await until(async () => {
      const bundle = (await coordinator.search({
        resourceType: 'Task',
        searchParams: { 'based-on': `CarePlan/${carePlan.id ?? ''}` },
      })) as unknown as Bundle;
      return bundle.entry?.[0]?.resource as Task | undefined;
    }, 'the Task of the action');
    const taskEvents = await platform.tasks.store.readStream(`Task-${task.id ?? ''}`);
    expect(taskEvents.map((e) => e.type)).toEqual(['TaskRequested']);
    expect(taskEvents[0]!.metadata).toMatchObject({ causationId: scheduled.id });
    expect(traceIdOf(taskEvents[0]!)).toBe(caller.traceId);

    // …and the care-plans consumer, fed by that Task event, links the action in the same trace.
    const link = await until(
      async () => (await planEvents()).find((e) => e.type === 'CarePlanActionLinked'),
      "the action's link to its Task",
    );
    expect(link.metadata).toMatchObject({ causationId: taskEvents[0]!.id });
    expect(traceIdOf(link)).toBe(caller.traceId);

    // A request without traceparent that appends several events: one new trace for all of them.
    await coordinator.patch({
      resourceType: 'Task',
      id: task.id ?? '',
      jsonPatch: [
        { op: 'replace', path: '/owner', value: ref(PHARMACIST) },
        { op: 'add', path: '/note', value: [{ text: 'the pharmacist visits first' }] },
      ],
    });
    const reassigned = (await platform.tasks.store.readStream(`Task-${task.id ?? ''}`)).slice(1);
    expect(reassigned.map((e) => e.type)).toEqual(['TaskOwnerChanged', 'TaskDetailsChanged']);
    expect(reassigned[0]!.metadata.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
    expect(reassigned[1]!.metadata.traceparent).toBe(reassigned[0]!.metadata.traceparent);
    expect(traceIdOf(reassigned[0]!)).not.toBe(caller.traceId);

    // The Task accepted and started under another trace moves the plan in that other trace.
    const other = callerTrace();
    const pharmacist = await platform.clientFor(PHARMACIST);
    for (const status of ['accepted', 'in-progress']) {
      await pharmacist.patch({
        resourceType: 'Task',
        id: task.id ?? '',
        jsonPatch: [{ op: 'replace', path: '/status', value: status }],
        options: { headers: { traceparent: other.traceparent } },
      });
    }
    const moved = (await platform.tasks.store.readStream(`Task-${task.id ?? ''}`)).slice(3);
    expect(moved.map((e) => e.type)).toEqual(['TaskAccepted', 'TaskStarted']);
    for (const event of moved) expect(event.metadata.traceparent).toBe(other.traceparent);
    const causes = new Set(moved.map((e) => e.id));
    const progress = await until(
      async () =>
        (await planEvents()).find(
          (e) => e.type === 'CarePlanActionProgressed' && causes.has(e.metadata.causationId ?? ''),
        ),
      "the plan's progress",
    );
    expect(traceIdOf(progress)).toBe(other.traceId);
  });
});
