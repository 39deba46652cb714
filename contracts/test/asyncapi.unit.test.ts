import { describe, expect, it } from '@jest/globals';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkAsyncApiReferences } from '../src/asyncapi-references.js';
import { CONTEXTS, topicOf } from '../src/event-naming.js';
import { CLOUDEVENTS_HEADERS, DEAD_LETTER_HEADERS } from '../src/kafka-headers.js';
import { ASYNCAPI_FILE, EVENTS_DIR } from '../src/package-paths.js';
import { fixture } from './fixtures.js';

// The parser's diagnostics carry the severity enum of another copy of @stoplight/types.
const ERROR_SEVERITY: number = DiagnosticSeverity.Error;

/** Parses with the real AsyncAPI parser; `source` makes it resolve the `./events/...` file refs. */
async function parseAsyncApi(file: string) {
  const output = await new Parser().parse(readFileSync(file, 'utf8'), { source: file });
  const errors = output.diagnostics
    .filter((d) => {
      const severity: number = d.severity;
      return severity === ERROR_SEVERITY;
    })
    .map((d) => `${d.path.join('/')}: ${d.message}`);
  return { document: output.document, errors };
}

let realDocument: ReturnType<typeof parseAsyncApi> | undefined;
/** contracts/asyncapi.yaml, parsed once for the tests that read it. */
function parseRealDocument(): ReturnType<typeof parseAsyncApi> {
  realDocument ??= parseAsyncApi(ASYNCAPI_FILE);
  return realDocument;
}

function propertyNames(schemaName: string): string[] {
  const document: unknown = parseYaml(readFileSync(ASYNCAPI_FILE, 'utf8'));
  const schema = (document as { components: { schemas: Record<string, { properties: object }> } }).components
    .schemas[schemaName];
  return Object.keys(schema?.properties ?? {});
}

describe('contracts/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0.0 document (no error-severity diagnostic)', async () => {
    const { document, errors } = await parseRealDocument();
    expect(errors).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('has one channel per context topic, a development Kafka server and the dead-letter channel', async () => {
    const { document } = await parseRealDocument();
    const addresses = document
      ?.channels()
      .all()
      .map((channel) => channel.address());
    expect(addresses).toEqual(expect.arrayContaining(CONTEXTS.map(topicOf)));
    expect(CONTEXTS.map(topicOf)).toEqual([
      'carenet.protocols',
      'carenet.tasks',
      'carenet.care-plans',
      'carenet.shared-info',
      'carenet.audit',
    ]);
    const server = document?.servers().get('development');
    expect([server?.host(), server?.protocol()]).toEqual(['127.0.0.1:9092', 'kafka']);
    const deadLetters = document
      ?.channels()
      .all()
      .find((channel) => channel.address() === '{group}.dlq');
    expect(deadLetters?.parameters().get('group')).toBeDefined();
    expect(deadLetters?.messages().all()).toHaveLength(1);
  });

  it('references every schema under events/, under its context’s channel, and only files that exist', () => {
    expect(checkAsyncApiReferences(ASYNCAPI_FILE, EVENTS_DIR)).toEqual([]);
  });

  it('describes exactly the header names the code uses (CloudEvents and dead letters)', () => {
    expect(propertyNames('CloudEventsHeaders')).toEqual(Object.values(CLOUDEVENTS_HEADERS));
    expect(propertyNames('DeadLetterHeaders')).toEqual(Object.values(DEAD_LETTER_HEADERS));
    expect(Object.values(DEAD_LETTER_HEADERS)).toEqual([
      'carenet_error_type',
      'carenet_error_message',
      'carenet_error_group',
      'carenet_error_attempts',
      'carenet_original_topic',
      'carenet_original_partition',
      'carenet_original_offset',
    ]);
  });
});

describe('the same checks on a fixture that references event schemas', () => {
  const documentFile = fixture('contracts', 'asyncapi.yaml');
  const eventsDir = fixture('contracts', 'events');

  it('parses, with the ./events/... payloads resolved from the files', async () => {
    const { document, errors } = await parseAsyncApi(documentFile);
    expect(errors).toEqual([]);
    const messages = document?.channels().get('test')?.messages().all() ?? [];
    expect(messages.map((m) => [m.name(), m.payload()?.title()])).toEqual([
      ['carenet.test.SampleDiscarded.v1', 'carenet.test.SampleDiscarded.v1'],
      ['carenet.test.SampleRecorded.v1', 'carenet.test.SampleRecorded.v1'],
      ['carenet.test.SampleRecorded.v2', 'carenet.test.SampleRecorded.v2'],
    ]);
    // The $ref inside the schema file is resolved too.
    expect(messages[1]?.payload()?.properties()?.recordedBy?.required()).toEqual(['system', 'value']);
  });

  it('finds nothing wrong', () => {
    expect(checkAsyncApiReferences(documentFile, eventsDir, { contexts: ['test'] })).toEqual([]);
  });
});

describe('a broken fixture', () => {
  const documentFile = fixture('broken-asyncapi', 'asyncapi.yaml');
  const eventsDir = fixture('broken-asyncapi', 'events');

  it('is reported by the check: missing file, unreferenced schema, wrong channel, wrong name, missing topic', () => {
    const problems = checkAsyncApiReferences(documentFile, eventsDir, { contexts: ['test', 'audit'] });
    expect(problems).toEqual([
      {
        kind: 'missing-file',
        message:
          '/channels/test/messages/SampleRecorded.v3/payload: ./events/test/SampleRecorded.v3.schema.json does not exist',
      },
      {
        kind: 'wrong-channel',
        message:
          'test/SampleCorrected.v1.schema.json is not listed under the channel whose address is carenet.test',
      },
      {
        kind: 'message-name-mismatch',
        message:
          'the message of test/SampleCorrected.v1.schema.json is named "SampleCorrected", not its ce_type carenet.test.SampleCorrected.v1',
      },
      {
        kind: 'unreferenced-schema',
        message:
          'test/SampleRecorded.v2.schema.json is the payload of no message (list it under the carenet.test channel)',
      },
      { kind: 'missing-topic-channel', message: 'no channel has the address carenet.audit' },
    ]);
  });

  it('is refused by the parser too (the missing file)', async () => {
    const { document, errors } = await parseAsyncApi(documentFile);
    expect(document).toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('SampleRecorded.v3.schema.json')]);
  });

  it('reports a remote reference: the contracts are self-contained', () => {
    const problems = checkAsyncApiReferences(
      fixture('remote-reference', 'asyncapi.yaml'),
      fixture('remote-reference', 'events'),
      { contexts: ['test'] },
    );
    expect(problems).toEqual([
      {
        kind: 'remote-reference',
        message:
          '/channels/test/messages/Remote/payload: https://schemas.example.org/remote.schema.json is not a file of this package',
      },
    ]);
  });

  it('reports a document that is not YAML', () => {
    expect(checkAsyncApiReferences(fixture('no-such-file.yaml'), eventsDir)).toEqual([
      { kind: 'unreadable-document', message: expect.stringContaining('no-such-file.yaml') },
    ]);
  });
});
