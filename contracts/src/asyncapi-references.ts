import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONTEXTS, ceTypeOf, topicOf } from './event-naming.js';
import { isJsonArray, isJsonObject, pointerToken, type JsonObject, type JsonValue } from './json.js';
import { ASYNCAPI_FILE, EVENTS_DIR } from './package-paths.js';
import { listSchemaFiles } from './schema-files.js';

export type AsyncApiProblemKind =
  | 'unreadable-document'
  | 'missing-file'
  | 'remote-reference'
  | 'unreferenced-schema'
  | 'wrong-channel'
  | 'message-name-mismatch'
  | 'missing-topic-channel';

export interface AsyncApiProblem {
  readonly kind: AsyncApiProblemKind;
  readonly message: string;
}

export interface AsyncApiCheckOptions {
  /** The contexts that must each have a channel whose address is their topic (default: CONTEXTS). */
  readonly contexts?: readonly string[];
}

/** A message payload that references a file, and the channel it is listed under. */
interface PayloadReference {
  readonly file: string;
  readonly channelAddress: JsonValue | undefined;
  readonly messageName: JsonValue | undefined;
}

/**
 * Checks that the AsyncAPI document and the events folder agree: every file `$ref` of the
 * document exists (and none is remote), every schema of `eventsDir` is the payload of a
 * message of the channel of its context's topic (and a message `name`, when given, is the
 * `ce_type`), and every context has its topic channel. Reads YAML only; the full AsyncAPI
 * validation is the parser's (see the unit test).
 */
export function checkAsyncApiReferences(
  documentFile: string = ASYNCAPI_FILE,
  eventsDir: string = EVENTS_DIR,
  options: AsyncApiCheckOptions = {},
): AsyncApiProblem[] {
  let document: unknown;
  try {
    document = parse(readFileSync(documentFile, 'utf8'));
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return [{ kind: 'unreadable-document', message: `${documentFile}: ${message}` }];
  }
  if (!isJsonObject(document)) {
    return [{ kind: 'unreadable-document', message: `${documentFile}: not a YAML mapping` }];
  }
  const baseDir = dirname(documentFile);
  const problems: AsyncApiProblem[] = [];

  for (const { ref, at } of collectReferences(document, '')) {
    if (ref.startsWith('#')) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      problems.push({ kind: 'remote-reference', message: `${at}: ${ref} is not a file of this package` });
      continue;
    }
    const file = resolve(baseDir, ref.split('#')[0] ?? '');
    if (!existsSync(file)) problems.push({ kind: 'missing-file', message: `${at}: ${ref} does not exist` });
  }

  const payloads = payloadReferences(document, baseDir);
  for (const schema of listSchemaFiles(eventsDir).files) {
    const file = resolve(schema.absolutePath);
    const topic = topicOf(schema.context);
    const ceType = ceTypeOf(schema);
    const uses = payloads.filter((payload) => payload.file === file);
    if (uses.length === 0) {
      problems.push({
        kind: 'unreferenced-schema',
        message: `${schema.relativePath} is the payload of no message (list it under the ${topic} channel)`,
      });
    } else if (!uses.some((use) => use.channelAddress === topic)) {
      problems.push({
        kind: 'wrong-channel',
        message: `${schema.relativePath} is not listed under the channel whose address is ${topic}`,
      });
    }
    for (const use of uses) {
      if (use.messageName !== undefined && use.messageName !== ceType) {
        problems.push({
          kind: 'message-name-mismatch',
          message: `the message of ${schema.relativePath} is named ${JSON.stringify(use.messageName)}, not its ce_type ${ceType}`,
        });
      }
    }
  }

  const addresses = new Set(Object.values(objectAt(document, 'channels')).map((c) => addressOf(c)));
  for (const context of options.contexts ?? CONTEXTS) {
    if (!addresses.has(topicOf(context))) {
      problems.push({
        kind: 'missing-topic-channel',
        message: `no channel has the address ${topicOf(context)}`,
      });
    }
  }
  return problems;
}

/** Every `$ref` string of the document, with the JSON Pointer of the object holding it. */
function collectReferences(node: JsonValue, at: string): { ref: string; at: string }[] {
  if (isJsonArray(node)) return node.flatMap((item, index) => collectReferences(item, `${at}/${index}`));
  if (!isJsonObject(node)) return [];
  const own = typeof node.$ref === 'string' ? [{ ref: node.$ref, at: at || '/' }] : [];
  return [
    ...own,
    ...Object.entries(node).flatMap(([key, value]) => collectReferences(value, `${at}/${pointerToken(key)}`)),
  ];
}

/** The file payloads of the messages of every channel (inline, or `$ref` to components). */
function payloadReferences(document: JsonObject, baseDir: string): PayloadReference[] {
  const references: PayloadReference[] = [];
  for (const channel of Object.values(objectAt(document, 'channels'))) {
    const channelAddress = addressOf(channel);
    for (const listed of Object.values(isJsonObject(channel) ? objectAt(channel, 'messages') : {})) {
      const message = followLocalReference(document, listed);
      if (!isJsonObject(message)) continue;
      const payload = message.payload;
      // A payload is a schema, or a multi-format schema {schemaFormat, schema}.
      const schema = isJsonObject(payload) && isJsonObject(payload.schema) ? payload.schema : payload;
      const ref = isJsonObject(schema) ? schema.$ref : undefined;
      if (typeof ref !== 'string' || ref.startsWith('#')) continue;
      references.push({
        file: resolve(baseDir, ref.split('#')[0] ?? ''),
        channelAddress,
        messageName: message.name,
      });
    }
  }
  return references;
}

/** Follows `{$ref: '#/…'}` inside the document (a few hops at most); other values are returned as they are. */
function followLocalReference(document: JsonObject, value: JsonValue): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (let hop = 0; hop < 8 && isJsonObject(current) && typeof current.$ref === 'string'; hop++) {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<JsonValue | undefined>((node, key) => (isJsonObject(node) ? node[key] : undefined), document);
  }
  return current;
}

function objectAt(node: JsonObject, key: string): JsonObject {
  const value = node[key];
  return isJsonObject(value) ? value : {};
}

function addressOf(channel: JsonValue): JsonValue | undefined {
  return isJsonObject(channel) ? channel.address : undefined;
}
