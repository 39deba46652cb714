import {
  ANY,
  BACKWARDS,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START as ESDB_START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type JSONEventType,
  type Position,
} from '@eventstore/db-client';
import { ConcurrencyError, DuplicateEventIdError } from '../errors.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllBatch,
  ReadAllOptions,
  ReadStreamOptions,
} from '../event-store.js';
import {
  categoryOf,
  START,
  type EventMetadata,
  type JsonObject,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '../events.js';

const CHECKPOINT_PREFIX = 'carenet_checkpoint-';

function encodePosition(position: Position): LogPosition {
  return `${position.commit}:${position.prepare}` as LogPosition;
}

function decodePosition(position: LogPosition): Position | typeof ESDB_START {
  if (position === START) return ESDB_START;
  const [commit, prepare] = position.split(':');
  return { commit: BigInt(commit ?? 0), prepare: BigInt(prepare ?? 0) };
}

function expectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

interface EsdbRecorded {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: Position;
}

function toRecorded(event: EsdbRecorded): RecordedEvent {
  const position = event.position ?? { commit: 0n, prepare: 0n };
  return {
    id: event.id,
    type: event.type,
    data: event.data as JsonObject,
    metadata: (event.metadata ?? {}) as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    globalPosition: Number(position.commit),
    logPosition: encodePosition(position),
    recordedAt: event.created.toISOString(),
  };
}

/**
 * The event store on EventStoreDB / KurrentDB (gRPC, `@eventstore/db-client`), selected by
 * `EVENTSTORE_URL` (e.g. `esdb://127.0.0.1:2113?tls=false`). Streams and categories map one to
 * one; the global log is `$all` (system events skipped); checkpoints are small streams
 * `carenet_checkpoint-<subscription>` keeping their last event.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly client: EventStoreDBClient) {}

  static connect(connectionString: string): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    const existing = await this.findStored(streamId, events);
    if (existing) return existing;
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent<JSONEventType>({ id: e.id, type: e.type, data: e.data, metadata: e.metadata ?? {} }),
        ),
        { expectedRevision: expectedRevision(expected) },
      );
      for (const listener of this.listeners) listener();
      return {
        revision: Number(result.nextExpectedRevision),
        lastGlobalPosition: Number(result.position?.commit ?? 0n),
        duplicate: false,
      };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : -1;
        throw new ConcurrencyError(streamId, String(expected), actual);
      }
      throw error;
    }
  }

  /**
   * EventStoreDB deduplicates event ids only for an append at the same expected revision; to keep
   * the port's contract (idempotent by id whatever the expectation), look for the ids first.
   */
  private async findStored(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | null> {
    const ids = new Set(events.map((e) => e.id));
    const tail = await this.readStream(streamId).catch(() => []);
    const stored = tail.filter((e) => ids.has(e.id));
    if (stored.length === 0) return null;
    if (stored.length !== events.length) throw new DuplicateEventIdError(streamId, [...ids]);
    const last = stored.at(-1);
    return { revision: last?.revision ?? -1, lastGlobalPosition: last?.globalPosition ?? 0, duplicate: true };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(from),
        ...(options.toRevision !== undefined && { maxCount: options.toRevision - from + 1 }),
      })) {
        if (resolved.event) events.push(toRecorded(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async streamRevision(streamId: string): Promise<number | null> {
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: 'end',
        maxCount: 1,
      })) {
        if (resolved.event) return Number(resolved.event.revision);
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  async readAll(from: LogPosition, options: ReadAllOptions = {}): Promise<ReadAllBatch> {
    const limit = options.limit ?? 500;
    const categories = options.categories ? new Set(options.categories) : undefined;
    const events: RecordedEvent[] = [];
    let next = from;
    for await (const resolved of this.client.readAll({
      direction: FORWARDS,
      fromPosition: decodePosition(from),
      maxCount: limit + 1,
    })) {
      const event = resolved.event;
      if (!event) continue;
      const position = encodePosition(event.position);
      if (position === from) continue; // fromPosition is inclusive
      next = position;
      if (
        event.streamId.startsWith('$') ||
        event.type.startsWith('$') ||
        event.streamId.startsWith(CHECKPOINT_PREFIX)
      )
        continue;
      if (categories && !categories.has(categoryOf(event.streamId))) continue;
      events.push(toRecorded(event));
      if (events.length >= limit) break;
    }
    return { events, next };
  }

  async loadCheckpoint(subscriptionId: string): Promise<LogPosition | null> {
    try {
      for await (const resolved of this.client.readStream(CHECKPOINT_PREFIX + subscriptionId, {
        direction: BACKWARDS,
        fromRevision: 'end',
        maxCount: 1,
      })) {
        const data = resolved.event?.data as { position?: string } | undefined;
        if (data?.position) return data.position as LogPosition;
      }
      return null;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
  }

  async storeCheckpoint(subscriptionId: string, position: LogPosition): Promise<void> {
    const stream = CHECKPOINT_PREFIX + subscriptionId;
    await this.client.appendToStream(stream, jsonEvent({ type: 'CheckpointStored', data: { position } }));
    await this.client.setStreamMetadata(stream, { maxCount: 1 });
  }

  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
