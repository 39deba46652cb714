/** JSON values, as stored and as sent on Kafka. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json | undefined;
}

/** What a decider returns: a business fact, in the past tense, with its data. */
export interface DomainEvent<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/** Context recorded with every event (who, when, why, trace). */
export interface EventMetadata extends JsonObject {
  /** W3C trace context of the request that caused the event. */
  traceparent?: string;
  /** Id of the command or message that caused the event. */
  causationId?: string;
  correlationId?: string;
  /**
   * Where the event stands among the events one write appended together (set by
   * `handleCommands` when it appends more than one): a read model keeps one version per write,
   * not one per event (FHIR: one request, one version). Absent: the event is a write of its own.
   */
  write?: WritePlace;
}

/** The place of an event in the events of one write: `index` from 0 to `count - 1`. */
export interface WritePlace extends JsonObject {
  index: number;
  count: number;
}

/** Whether an event is the last of its write (or a write of its own): where a version ends. */
export function endsWrite(event: { readonly metadata: EventMetadata }): boolean {
  const place = event.metadata.write;
  return place === undefined || place.index >= place.count - 1;
}

/** An event ready to append: the id makes the append idempotent. */
export interface NewEvent extends DomainEvent {
  /** UUID; appending the same id twice stores it once. */
  readonly id: string;
  readonly metadata?: EventMetadata;
}

/**
 * Position in the store's global log. Opaque outside the adapter that produced it (PostgreSQL:
 * transaction id and sequence; EventStoreDB: commit and prepare positions); compare positions
 * only through the store. `START` reads from the beginning.
 */
export type LogPosition = string & { readonly __brand: 'LogPosition' };
export const START = '0:0' as LogPosition;

/** An event as stored. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  readonly id: string;
  readonly type: E['type'];
  readonly data: E['data'];
  readonly metadata: EventMetadata;
  readonly streamId: string;
  /** 0-based position in its stream. FHIR `meta.versionId` = revision + 1. */
  readonly revision: number;
  /** Insertion sequence across all streams (informative; gaps are normal). */
  readonly globalPosition: number;
  /** Cursor in the global log: read after it to get the next events. */
  readonly logPosition: LogPosition;
  /** When the store recorded it (ISO 8601). */
  readonly recordedAt: string;
}

/** `<ResourceType>-<id>`: the stream of one aggregate (DESIGN.md §3). */
export function streamIdOf(category: string, id: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(category)) throw new RangeError(`invalid stream category "${category}"`);
  return `${category}-${id}`;
}

/** The category of a stream id: what comes before the first `-`. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
