import { randomBytes } from 'node:crypto';
import {
  ceSourceOf,
  ceTypeOf,
  CLOUDEVENTS_HEADERS as H,
  CLOUDEVENTS_SPEC_VERSION,
  dataSchemaUrlOf,
  EVENT_CONTENT_TYPE,
} from '@carenet/contracts';
import { categoryOf, type JsonObject, type RecordedEvent } from '@carenet/eventsourcing';
import { contextOf } from './contexts.js';
import { MalformedMessageError } from './errors.js';
import type { IncomingEvent, RawMessage } from './incoming-event.js';

export interface OutgoingMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/** A W3C traceparent: the event's own when it has one, else a new root span. */
function traceparentOf(event: RecordedEvent): string {
  const given = event.metadata.traceparent;
  if (typeof given === 'string' && /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/.test(given))
    return given;
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The event's contract version: `metadata.schemaVersion`, 1 by default. */
export function schemaVersionOf(event: RecordedEvent): number {
  const version = event.metadata.schemaVersion;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : 1;
}

/**
 * CloudEvents 1.0 in Kafka binary mode (DESIGN.md §4): the value is the event data as JSON,
 * the attributes are `ce_*` headers, the key is the stream id (per-aggregate order).
 */
export function toKafkaMessage(
  event: RecordedEvent,
  contexts?: Readonly<Record<string, string>>,
): OutgoingMessage & { readonly context: string } {
  const context = contextOf(categoryOf(event.streamId), contexts);
  const name = { context, eventName: event.type, version: schemaVersionOf(event) };
  return {
    context,
    key: event.streamId,
    value: Buffer.from(JSON.stringify(event.data)),
    headers: {
      [H.specversion]: CLOUDEVENTS_SPEC_VERSION,
      [H.id]: event.id,
      [H.source]: ceSourceOf(context),
      [H.type]: ceTypeOf(name),
      [H.subject]: event.streamId,
      [H.time]: event.recordedAt,
      [H.dataschema]: dataSchemaUrlOf(name),
      [H.sequence]: String(event.revision),
      [H.contentType]: EVENT_CONTENT_TYPE,
      [H.traceparent]: traceparentOf(event),
    },
  };
}

/** Kafka header values arrive as Buffers (or arrays of them): keep the first, as text. */
export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first === null) continue;
    result[name] = Buffer.isBuffer(first)
      ? first.toString('utf8')
      : typeof first === 'string'
        ? first
        : JSON.stringify(first);
  }
  return result;
}

/** Decodes a record into an IncomingEvent, or throws MalformedMessageError saying what is wrong. */
export function fromKafkaMessage(message: RawMessage): IncomingEvent {
  const h = message.headers;
  const missing = [H.specversion, H.id, H.source, H.type, H.subject, H.time, H.dataschema].filter(
    (name) => !h[name],
  );
  if (missing.length > 0)
    throw new MalformedMessageError(`missing CloudEvents header(s): ${missing.join(', ')}`);
  if (h[H.specversion] !== CLOUDEVENTS_SPEC_VERSION) {
    throw new MalformedMessageError(`unsupported ce_specversion "${h[H.specversion]}"`);
  }
  const contentType = h[H.contentType];
  if (contentType !== undefined && !contentType.startsWith(EVENT_CONTENT_TYPE)) {
    throw new MalformedMessageError(`unsupported content-type "${contentType}"`);
  }
  if (!message.value) throw new MalformedMessageError('the message has no value');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new MalformedMessageError(`the value is not JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new MalformedMessageError('the value is not a JSON object');
  }
  const traceparent = h[H.traceparent];
  return {
    id: h[H.id] ?? '',
    type: h[H.type] ?? '',
    source: h[H.source] ?? '',
    subject: h[H.subject] ?? '',
    time: h[H.time] ?? '',
    dataschema: h[H.dataschema] ?? '',
    ...(traceparent && { traceparent }),
    data: data as JsonObject,
  };
}
