/**
 * How an event type and version is named everywhere: the schema file, its `$id` and `title`,
 * and the CloudEvents headers (DESIGN.md §4). The one place these shapes are spelled out.
 */

/** The canonical base of every event schema `$id` (and so of every `ce_dataschema`). */
export const CONTRACTS_BASE_URL = 'https://carenet.example.org/contracts/events/';

/** The JSON Schema dialect every event schema declares in `$schema`. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The bounded contexts that publish events, one Kafka topic each, and `audit` (every service's audit records). */
export const CONTEXTS = ['protocols', 'tasks', 'care-plans', 'shared-info', 'audit'] as const;
export type Context = (typeof CONTEXTS)[number];

/** A context folder name: kebab-case. */
export const CONTEXT_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** An event name: PascalCase, a business fact in the past tense (`TaskAccepted`). */
export const EVENT_NAME_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

/** `<EventName>.v<N>.schema.json`, N a positive integer without leading zeros. */
export const SCHEMA_FILE_PATTERN =
  /^(?<eventName>[A-Z][A-Za-z0-9]*)\.v(?<version>[1-9][0-9]*)\.schema\.json$/;

const CE_TYPE_PATTERN =
  /^carenet\.(?<context>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)\.(?<eventName>[A-Z][A-Za-z0-9]*)\.v(?<version>[1-9][0-9]*)$/;

/** One event type at one version. */
export interface EventTypeName {
  readonly context: string;
  readonly eventName: string;
  readonly version: number;
}

/** `carenet.<context>.<EventName>.v<N>`: the `ce_type` header. */
export function ceTypeOf({ context, eventName, version }: EventTypeName): string {
  return `carenet.${context}.${eventName}.v${version}`;
}

/** Splits a `ce_type` into its parts, or `undefined` when it does not follow the pattern. */
export function parseCeType(ceType: string): EventTypeName | undefined {
  const groups = CE_TYPE_PATTERN.exec(ceType)?.groups;
  if (!groups?.context || !groups.eventName || !groups.version) return undefined;
  return { context: groups.context, eventName: groups.eventName, version: Number(groups.version) };
}

/** `<EventName>.v<N>.schema.json` */
export function schemaFileNameOf({ eventName, version }: EventTypeName): string {
  return `${eventName}.v${version}.schema.json`;
}

/** The schema's `$id`, also the `ce_dataschema` header: `<CONTRACTS_BASE_URL><context>/<file>`. */
export function dataSchemaUrlOf(name: EventTypeName): string {
  return `${CONTRACTS_BASE_URL}${name.context}/${schemaFileNameOf(name)}`;
}

/** `/carenet/<context>`: the `ce_source` header. */
export function ceSourceOf(context: string): string {
  return `/carenet/${context}`;
}

/** `carenet.<context>`: the topic a context publishes on. */
export function topicOf(context: string): string {
  return `carenet.${context}`;
}

/** `<consumer-group>.dlq`: where a consumer group sends the messages it gives up on. */
export function deadLetterTopicOf(consumerGroup: string): string {
  return `${consumerGroup}.dlq`;
}
