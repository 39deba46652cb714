import { describe, expect, it } from '@jest/globals';
import type { LogPosition, RecordedEvent } from '@carenet/eventsourcing';
import { fromKafkaMessage, MalformedMessageError, toKafkaMessage, type RawMessage } from '../src/index.js';

const event: RecordedEvent = {
  id: '6f1b9c1e-5a43-4c55-8d44-6a1a1c3b2f10',
  type: 'TaskAccepted',
  data: { taskId: '42', by: 'urn:oid:1.2.250.1.71.4.2.1|810000000001' },
  metadata: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  streamId: 'Task-42',
  revision: 3,
  globalPosition: 1001,
  logPosition: '900:1001' as LogPosition,
  recordedAt: '2026-06-01T10:00:00.000Z',
};

function raw(message: ReturnType<typeof toKafkaMessage>): RawMessage {
  return {
    topic: 'carenet.tasks',
    partition: 0,
    offset: '7',
    key: message.key,
    value: message.value,
    headers: message.headers,
  };
}

describe('CloudEvents binary-mode envelope for Kafka', () => {
  it('puts the data in the value, the attributes in ce_* headers and the stream id in the key', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe('Task-42');
    expect(JSON.parse(message.value.toString())).toEqual(event.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/carenet/tasks',
      ce_type: 'carenet.tasks.TaskAccepted.v1',
      ce_subject: 'Task-42',
      ce_time: '2026-06-01T10:00:00.000Z',
      ce_dataschema: 'https://carenet.example.org/contracts/events/tasks/TaskAccepted.v1.schema.json',
      ce_sequence: '3',
      'content-type': 'application/json',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('names the contract version from metadata.schemaVersion, and starts a trace when there is none', () => {
    const message = toKafkaMessage({ ...event, metadata: { schemaVersion: 2 } });
    expect(message.headers.ce_type).toBe('carenet.tasks.TaskAccepted.v2');
    expect(message.headers.traceparent).toMatch(/^00-[\da-f]{32}-[\da-f]{16}-01$/);
  });

  it('routes categories to their context topic (CarePlan → care-plans)', () => {
    expect(toKafkaMessage({ ...event, streamId: 'CarePlan-1' }).context).toBe('care-plans');
    expect(() => toKafkaMessage({ ...event, streamId: 'Unknown-1' })).toThrow('no context publishes');
  });

  it('decodes what it encodes', () => {
    expect(fromKafkaMessage(raw(toKafkaMessage(event)))).toEqual({
      id: event.id,
      type: 'carenet.tasks.TaskAccepted.v1',
      source: '/carenet/tasks',
      subject: 'Task-42',
      time: event.recordedAt,
      dataschema: 'https://carenet.example.org/contracts/events/tasks/TaskAccepted.v1.schema.json',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      data: event.data,
    });
  });

  it.each([
    ['a value that is not JSON', { value: Buffer.from('{not json') }, 'not JSON'],
    ['a JSON value that is not an object', { value: Buffer.from('[1,2]') }, 'not a JSON object'],
    ['no value', { value: null }, 'no value'],
    ['a missing ce_id', { headers: { ...toKafkaMessage(event).headers, ce_id: '' } }, 'ce_id'],
    ['another spec version', { headers: { ...toKafkaMessage(event).headers, ce_specversion: '0.3' } }, '0.3'],
    [
      'another content type',
      { headers: { ...toKafkaMessage(event).headers, 'content-type': 'text/xml' } },
      'text/xml',
    ],
  ])('refuses %s with MalformedMessageError', (_, change, message) => {
    const bad = { ...raw(toKafkaMessage(event)), ...change };
    expect(() => fromKafkaMessage(bad)).toThrow(MalformedMessageError);
    expect(() => fromKafkaMessage(bad)).toThrow(message);
  });
});
