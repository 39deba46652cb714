/**
 * Personal data in event schemas (README, "Personal data on the topics"): the `x-personal-data`
 * annotation and the split of an event's data into what is published in clear and what is sealed.
 *
 * - `"x-personal-data": true`: personal data published in clear (an identifier a consumer keys by);
 * - `"x-personal-data": "sealed"`: personal data no subscriber may read in clear (clinical free text,
 *   names, FHIR content kept as given): the relay takes it out of the message and, when it holds the
 *   topic key, puts it into the message's `protected` member, encrypted.
 *
 * The split follows the schema: properties, `items` and `$ref`s into the schema's own `$defs`
 * (the shape of every carenet event schema). A sealed property is removed from the clear data; when
 * its object requires it, its empty value is left in its place (`[]` for an array, an object of the
 * empty values of its required properties), so that the clear data still validates: the contract
 * tests check that every required sealed property has one.
 */
import { isJsonArray, isJsonObject, pointerToken, type JsonObject, type JsonValue } from './json.js';

/** The annotation that marks a field of an event schema as personal data. */
export const PERSONAL_DATA_KEYWORD = 'x-personal-data';
/** Its value for personal data that is sealed on the topics. */
export const SEALED = 'sealed';
/** The member of a published event that carries the sealed values (a compact JWE). */
export const PROTECTED_MEMBER = 'protected';

/** The values taken out of an event's data, by JSON Pointer (RFC 6901) into the data. */
export type SealedValues = Readonly<Record<string, unknown>>;

/** Event data split by its schema (`T`: the data's type, kept by the clear part). */
export interface SealedSplit<T extends object = JsonObject> {
  /** The data without its sealed values (empty values where required). */
  readonly clear: T;
  /** What was taken out; empty when the event carried none. */
  readonly sealed: SealedValues;
}

/** Raised when a schema's sealed property is required but has no empty value, or a `$ref` is not local. */
export class PersonalDataSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PersonalDataSchemaError';
  }
}

/** Raised when sealed values cannot be put back (a pointer that does not lead into the data). */
export class SealedValuesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValuesError';
  }
}

type Mutable = Record<string, JsonValue>;

/** Follows a `#/$defs/<name>` reference of the root schema; other nodes are returned as they are. */
export function resolveLocal(root: JsonObject, node: JsonObject): JsonObject {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    const match = /^#\/\$defs\/([^/]+)$/.exec(current.$ref);
    const defs = root.$defs;
    const target = match && isJsonObject(defs) ? defs[match[1] ?? ''] : undefined;
    if (!isJsonObject(target) || hops > 32) {
      throw new PersonalDataSchemaError(`unresolvable $ref "${current.$ref}"`);
    }
    current = target;
  }
  return current;
}

/**
 * The empty value of a schema, for a sealed property its object requires: `[]` for an array, for an
 * object the empty values of its required properties; `undefined` when it has none (a string…).
 */
export function emptyValueOf(root: JsonObject, node: JsonObject): JsonValue | undefined {
  const schema = resolveLocal(root, node);
  if (schema.type === 'array') return [];
  if (schema.type !== 'object') return undefined;
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const result: Mutable = {};
  for (const name of isJsonArray(schema.required) ? schema.required : []) {
    const property = typeof name === 'string' ? properties[name] : undefined;
    const empty = isJsonObject(property) ? emptyValueOf(root, property) : undefined;
    if (empty === undefined) return undefined;
    result[name as string] = empty;
  }
  return result;
}

/** Whether a property schema is sealed. */
export function isSealed(node: JsonValue | undefined): boolean {
  return isJsonObject(node) && node[PERSONAL_DATA_KEYWORD] === SEALED;
}

/**
 * Splits an event's data by its schema: the clear part and the sealed values. The data is not
 * changed (the clear part is a copy).
 */
export function splitSealed<T extends object>(schema: JsonObject, data: T): SealedSplit<T> {
  const clear = structuredClone(data) as unknown as Mutable;
  const sealed: Record<string, unknown> = {};

  function walk(node: JsonObject, value: JsonValue, pointer: string): void {
    const resolved = resolveLocal(schema, node);
    if (isJsonArray(value)) {
      if (isJsonObject(resolved.items)) {
        const items = resolved.items;
        value.forEach((item, index) => {
          walk(items, item, `${pointer}/${index}`);
        });
      }
      return;
    }
    if (!isJsonObject(value) || !isJsonObject(resolved.properties)) return;
    const target: Mutable = value;
    const required = isJsonArray(resolved.required) ? resolved.required : [];
    for (const [name, property] of Object.entries(resolved.properties)) {
      if (!(name in target) || !isJsonObject(property)) continue;
      const at = `${pointer}/${pointerToken(name)}`;
      if (isSealed(property) || isSealed(resolveLocal(schema, property))) {
        sealed[at] = target[name];
        if (required.includes(name)) {
          const empty = emptyValueOf(schema, property);
          if (empty === undefined) {
            throw new PersonalDataSchemaError(`${at}: a required sealed property needs an empty value`);
          }
          target[name] = empty;
        } else {
          Reflect.deleteProperty(target, name);
        }
        continue;
      }
      walk(property, target[name] as JsonValue, at);
    }
  }

  walk(schema, clear, '');
  return { clear: clear as unknown as T, sealed };
}

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Puts sealed values back into clear data (a copy): the inverse of splitSealed. */
export function joinSealed<T extends object>(clear: T, sealed: SealedValues): T {
  const data = structuredClone(clear) as unknown as Mutable;
  for (const [pointer, value] of Object.entries(sealed)) {
    const tokens = pointer.split('/').slice(1).map(unescapeToken);
    const last = tokens.pop();
    if (!pointer.startsWith('/') || last === undefined) {
      throw new SealedValuesError(`"${pointer}" is not a JSON pointer into the event`);
    }
    let parent: JsonValue = data;
    for (const token of tokens) {
      parent = isJsonArray(parent)
        ? (parent[Number(token)] as JsonValue)
        : isJsonObject(parent)
          ? (parent[token] as JsonValue)
          : null;
    }
    if (isJsonArray(parent) && /^\d+$/.test(last)) (parent as JsonValue[])[Number(last)] = value as JsonValue;
    else if (isJsonObject(parent)) {
      const object: Mutable = parent;
      object[last] = value as JsonValue;
    } else throw new SealedValuesError(`"${pointer}" does not lead into the event`);
  }
  return data as unknown as T;
}
