import { randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '@carenet/eventsourcing';

/** Stream category of the append, read and relay benchmarks, published by context `bench`. */
export const BENCH_CATEGORY = 'Bench';

/**
 * Category of the latency benchmark: the messaging tests' fixture context, whose contract
 * (`LoadRecorded`, data `{ seq }`) the Kafka consumer validates.
 */
export const LOAD_CATEGORY = 'Load';

/** Category → context, for the relay (`contexts` option). */
export const BENCH_CONTEXTS: Readonly<Record<string, string>> = { Bench: 'bench', Load: 'messaging-test' };

/** A W3C traceparent, as the request that caused an event would record it. */
function traceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * A business-sized event: about 300 bytes of data (identifiers, codes, a timestamp and a short
 * text) and 100 of metadata, roughly what a Task or CarePlan event carries.
 */
export function benchEvent(seq: number): NewEvent {
  const data: JsonObject = {
    seq,
    taskId: randomUUID(),
    patient: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: `1${String(seq).padStart(14, '0')}` },
    requester: { system: 'https://rpps.esante.gouv.fr', value: '10101010101' },
    code: 'delegated-act',
    priority: 'routine',
    at: '2026-06-01T10:00:00.000Z',
    note: 'Pansement complexe a domicile, J+3 post-operatoire, selon protocole.',
  };
  return {
    id: randomUUID(),
    type: 'BenchRecorded',
    data,
    metadata: { traceparent: traceparent(), correlationId: randomUUID() },
  };
}

/** The messaging fixture event (`LoadRecorded`, data `{ seq }`), with a request's traceparent. */
export function loadEvent(seq: number, id: string = randomUUID()): NewEvent {
  return { id, type: 'LoadRecorded', data: { seq }, metadata: { traceparent: traceparent() } };
}

/** `count` fresh stream ids of a category. */
export function freshStreams(category: string, count: number): string[] {
  return Array.from({ length: count }, () => `${category}-${randomUUID()}`);
}
