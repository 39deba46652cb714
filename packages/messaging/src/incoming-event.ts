import type { JsonObject } from '@carenet/eventsourcing';

/** A carenet event as a consumer receives it (from Kafka or from the store log). */
export interface IncomingEvent {
  /** `ce_id`: the event id; the inbox dedupes on it. */
  readonly id: string;
  /** `ce_type`: `carenet.<context>.<EventName>.v<N>`. */
  readonly type: string;
  /** `ce_source`: `/carenet/<context>`. */
  readonly source: string;
  /** `ce_subject`: the stream id (`Task-123`), also the Kafka key. */
  readonly subject: string;
  readonly time: string;
  readonly dataschema: string;
  readonly traceparent?: string;
  readonly data: JsonObject;
}

/** A message as it came off the wire, before decoding (what a dead letter keeps). */
export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}
