import {
  canonicalJson,
  isJsonArray,
  isJsonObject,
  pointerToken,
  type JsonObject,
  type JsonSchema,
  type JsonValue,
} from './json.js';

/**
 * Which way a change breaks.
 * - `narrowed`: data valid under the released schema may now be rejected: events already
 *   published (kept in the log, replayed) no longer validate.
 * - `widened`: data valid under the current schema may be rejected or misread by a consumer
 *   still built on the released schema (it validates with its own copy of the schema).
 * - `changed`: both, or no way to tell (a pattern or a reference replaced by another).
 */
export type ChangeDirection = 'narrowed' | 'widened' | 'changed';

export type BreakingChangeKind =
  | 'schema-replaced'
  | 'type-narrowed'
  | 'type-widened'
  | 'property-removed'
  | 'property-added-to-closed-object'
  | 'required-added'
  | 'required-removed'
  | 'enum-added'
  | 'enum-removed'
  | 'enum-values-removed'
  | 'enum-values-added'
  | 'const-changed'
  | 'additional-properties-tightened'
  | 'additional-properties-loosened'
  | 'constraint-tightened'
  | 'constraint-loosened'
  | 'constraint-changed'
  | 'definition-removed'
  | 'reference-changed'
  | 'keyword-changed';

/** A change of a released schema that breaks the producers' or the consumers' side of the contract. */
export interface BreakingChange {
  readonly kind: BreakingChangeKind;
  readonly direction: ChangeDirection;
  /** JSON Pointer into the schema where the change is (`/properties/status/enum`); `''` is the root. */
  readonly path: string;
  readonly message: string;
}

/**
 * The changes from `released` to `current` that break a consumer of the event data. Accepted:
 * annotations (title, description, examples, default, $comment, deprecated…), a new optional
 * property (unless the released object was closed with `additionalProperties: false`, as
 * consumers validating with the released schema would then reject it), a new `$defs` entry.
 * Everything that changes which data is valid is reported, both ways (see ChangeDirection),
 * recursively through properties, items, `$defs` and the combinators.
 */
export function compareSchemas(released: JsonSchema, current: JsonSchema): BreakingChange[] {
  const changes: BreakingChange[] = [];
  compareSchema(released, current, '', changes);
  return changes;
}

/** Keywords that do not change which data is valid. */
const ANNOTATIONS = new Set([
  '$schema',
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
  // Personal data (README, "Personal data on the topics"): marking, or sealing, a property changes
  // no validity. A sealed property leaves the clear message only where the schema lets it be absent
  // or empty (the contract tests check it), so the clear message still validates against the
  // released schema.
  'x-personal-data',
]);

/** Lower bounds: a bigger or new value accepts less. */
const LOWER_BOUNDS = [
  'minLength',
  'minimum',
  'exclusiveMinimum',
  'minItems',
  'minProperties',
  'minContains',
] as const;
/** Upper bounds: a smaller or new value accepts less. */
const UPPER_BOUNDS = [
  'maxLength',
  'maximum',
  'exclusiveMaximum',
  'maxItems',
  'maxProperties',
  'maxContains',
] as const;
/** Constraints that cannot be ordered: any change is reported, adding one narrows, removing one widens. */
const OPAQUE_CONSTRAINTS = ['pattern', 'format', 'multipleOf'] as const;
/** Subschemas whose absence means "anything": compared as `true` when missing. */
const OPTIONAL_SUBSCHEMAS = ['items', 'unevaluatedItems', 'propertyNames', 'then', 'else'] as const;
/** Subschemas compared only for presence and equality (a change inside may go either way). */
const OPAQUE_SUBSCHEMAS = ['not', 'if'] as const;
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_MAPS = ['patternProperties', 'dependentSchemas'] as const;
const DEFINITIONS = ['$defs', 'definitions'] as const;

const HANDLED = new Set<string>([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...OPAQUE_CONSTRAINTS,
  ...OPTIONAL_SUBSCHEMAS,
  ...OPAQUE_SUBSCHEMAS,
  ...COMBINATORS,
  ...SCHEMA_MAPS,
  ...DEFINITIONS,
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'unevaluatedProperties',
  'contains',
  'uniqueItems',
  '$ref',
]);

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

type Report = (kind: BreakingChangeKind, direction: ChangeDirection, path: string, message: string) => void;

function compareSchema(
  released: JsonSchema,
  current: JsonSchema,
  path: string,
  changes: BreakingChange[],
): void {
  const report: Report = (kind, direction, at, message) =>
    changes.push({ kind, direction, path: at, message });
  if (typeof released === 'boolean' || typeof current === 'boolean') {
    compareBooleanSchemas(released, current, path, report);
    return;
  }
  compareTypes(released, current, path, report);
  compareEnums(released, current, path, report);
  compareConst(released, current, path, report);
  compareProperties(released, current, path, changes, report);
  compareRequired(released, current, path, report);
  compareClosedness(released, current, 'additionalProperties', path, changes, report);
  compareClosedness(released, current, 'unevaluatedProperties', path, changes, report);
  compareConstraints(released, current, path, report);
  for (const keyword of OPTIONAL_SUBSCHEMAS) {
    const before = released[keyword] ?? true;
    const after = current[keyword] ?? true;
    if (isSchema(before) && isSchema(after)) compareSchema(before, after, `${path}/${keyword}`, changes);
    else compareOpaque(released, current, keyword, path, report);
  }
  compareOptionalSubschema(released, current, 'contains', path, changes, report);
  for (const keyword of OPAQUE_SUBSCHEMAS) compareOpaque(released, current, keyword, path, report);
  for (const keyword of COMBINATORS) compareCombinator(released, current, keyword, path, changes, report);
  for (const keyword of SCHEMA_MAPS) compareSchemaMap(released, current, keyword, path, changes, report);
  for (const keyword of DEFINITIONS) compareDefinitions(released, current, keyword, path, changes, report);
  if (released.$ref !== current.$ref) {
    report(
      'reference-changed',
      'changed',
      `${path}/$ref`,
      `$ref changed from ${describe(released.$ref)} to ${describe(current.$ref)}`,
    );
  }
  for (const keyword of new Set([...Object.keys(released), ...Object.keys(current)])) {
    if (HANDLED.has(keyword)) continue;
    if (canonicalJson(released[keyword]) !== canonicalJson(current[keyword])) {
      report(
        'keyword-changed',
        'changed',
        `${path}/${pointerToken(keyword)}`,
        `"${keyword}" changed from ${describe(released[keyword])} to ${describe(current[keyword])}`,
      );
    }
  }
}

function compareBooleanSchemas(
  released: JsonSchema,
  current: JsonSchema,
  path: string,
  report: Report,
): void {
  const before = normaliseBoolean(released);
  const after = normaliseBoolean(current);
  if (before === after) return;
  // `true` accepts everything and `false` nothing: moving towards `false` narrows.
  const direction: ChangeDirection =
    before === 'true' || after === 'false'
      ? 'narrowed'
      : before === 'false' || after === 'true'
        ? 'widened'
        : 'changed';
  report('schema-replaced', direction, path, `schema changed from ${before} to ${after}`);
}

/** `true`, `false`, or the canonical JSON of an object schema without its annotations. */
function normaliseBoolean(schema: JsonSchema): string {
  if (typeof schema === 'boolean') return String(schema);
  const validating = Object.keys(schema).filter((key) => !ANNOTATIONS.has(key));
  if (validating.length === 0) return 'true';
  return canonicalJson(Object.fromEntries(validating.map((key) => [key, schema[key]])));
}

function compareTypes(released: JsonObject, current: JsonObject, path: string, report: Report): void {
  const before = typesOf(released);
  const after = typesOf(current);
  const lost = before.filter((type) => !covers(after, type));
  const gained = after.filter((type) => !covers(before, type));
  const at = `${path}/type`;
  if (lost.length > 0) {
    report(
      'type-narrowed',
      'narrowed',
      at,
      `type ${describeTypes(before)} narrowed to ${describeTypes(after)}`,
    );
  }
  if (gained.length > 0) {
    report('type-widened', 'widened', at, `type ${describeTypes(before)} widened to ${describeTypes(after)}`);
  }
}

function typesOf(schema: JsonObject): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (isJsonArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return ALL_TYPES;
}

/** Whether a set of JSON types accepts every value of `type` (`number` includes `integer`). */
function covers(types: readonly string[], type: string): boolean {
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

function describeTypes(types: readonly string[]): string {
  if (types === ALL_TYPES) return '(any)';
  return types.length === 1 ? JSON.stringify(types[0]) : JSON.stringify(types);
}

function compareEnums(released: JsonObject, current: JsonObject, path: string, report: Report): void {
  const before = released.enum;
  const after = current.enum;
  const at = `${path}/enum`;
  if (!isJsonArray(before) && !isJsonArray(after)) return;
  if (!isJsonArray(before)) {
    report('enum-added', 'narrowed', at, `values restricted to ${describe(after)}`);
    return;
  }
  if (!isJsonArray(after)) {
    report('enum-removed', 'widened', at, `values no longer restricted to ${describe(before)}`);
    return;
  }
  const beforeKeys = new Set(before.map(canonicalJson));
  const afterKeys = new Set(after.map(canonicalJson));
  const removed = before.filter((value) => !afterKeys.has(canonicalJson(value)));
  const added = after.filter((value) => !beforeKeys.has(canonicalJson(value)));
  if (removed.length > 0)
    report('enum-values-removed', 'narrowed', at, `enum values removed: ${describeList(removed)}`);
  if (added.length > 0)
    report('enum-values-added', 'widened', at, `enum values added: ${describeList(added)}`);
}

function compareConst(released: JsonObject, current: JsonObject, path: string, report: Report): void {
  const before = released.const;
  const after = current.const;
  if (canonicalJson(before) === canonicalJson(after)) return;
  const direction = before === undefined ? 'narrowed' : after === undefined ? 'widened' : 'changed';
  report(
    'const-changed',
    direction,
    `${path}/const`,
    `const changed from ${describe(before)} to ${describe(after)}`,
  );
}

function compareProperties(
  released: JsonObject,
  current: JsonObject,
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = isJsonObject(released.properties) ? released.properties : {};
  const after = isJsonObject(current.properties) ? current.properties : {};
  const closed = released.additionalProperties === false || released.unevaluatedProperties === false;
  for (const [name, schema] of Object.entries(before)) {
    const at = `${path}/properties/${pointerToken(name)}`;
    const next = after[name];
    if (next === undefined) {
      report('property-removed', 'widened', at, `property ${JSON.stringify(name)} removed`);
    } else {
      compareSchema(asSchema(schema), asSchema(next), at, changes);
    }
  }
  for (const [name, schema] of Object.entries(after)) {
    if (name in before) continue;
    const at = `${path}/properties/${pointerToken(name)}`;
    if (closed) {
      report(
        'property-added-to-closed-object',
        'widened',
        at,
        `property ${JSON.stringify(name)} added where the released schema forbids other properties`,
      );
    } else if (isJsonObject(released.additionalProperties)) {
      // The released schema already constrained this name through additionalProperties.
      compareSchema(released.additionalProperties, asSchema(schema), at, changes);
    }
  }
}

function compareRequired(released: JsonObject, current: JsonObject, path: string, report: Report): void {
  const before = stringsOf(released.required);
  const after = stringsOf(current.required);
  const added = after.filter((name) => !before.includes(name));
  const removed = before.filter((name) => !after.includes(name));
  const at = `${path}/required`;
  if (added.length > 0) report('required-added', 'narrowed', at, `newly required: ${describeList(added)}`);
  if (removed.length > 0)
    report('required-removed', 'widened', at, `no longer required: ${describeList(removed)}`);
}

function compareClosedness(
  released: JsonObject,
  current: JsonObject,
  keyword: 'additionalProperties' | 'unevaluatedProperties',
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = asSchema(released[keyword] ?? true);
  const after = asSchema(current[keyword] ?? true);
  const at = `${path}/${keyword}`;
  if (after === false && before === true && closesDeclaredObject(released, current, keyword)) {
    // Accepted (README, "Releasing and evolving"): the object's members were all declared, and its
    // producers never sent others (they validate against the schema, and their contract tests run on
    // the closed one), so no event in the log has an undeclared member, and a consumer still on the
    // open released copy accepts whatever the closed one does.
  } else if (after === false && before !== false) {
    report('additional-properties-tightened', 'narrowed', at, `${keyword} tightened to false`);
  } else if (before === false && after !== false) {
    report('additional-properties-loosened', 'widened', at, `${keyword} no longer false`);
  } else {
    compareSchema(before, after, at, changes);
  }
}

/**
 * Whether `current` only closes the object `released` described: `additionalProperties` (not
 * `unevaluatedProperties`, which depends on the combinators) from absent to false, on an object
 * type with declared properties and no other way to name a member (patternProperties,
 * propertyNames) in either version.
 */
function closesDeclaredObject(
  released: JsonObject,
  current: JsonObject,
  keyword: 'additionalProperties' | 'unevaluatedProperties',
): boolean {
  if (keyword !== 'additionalProperties' || released.additionalProperties !== undefined) return false;
  const declared = isJsonObject(released.properties) && Object.keys(released.properties).length > 0;
  const otherMembers = (schema: JsonObject) =>
    schema.patternProperties !== undefined || schema.propertyNames !== undefined;
  return (
    declared &&
    released.type === 'object' &&
    current.type === 'object' &&
    !otherMembers(released) &&
    !otherMembers(current)
  );
}

function compareConstraints(released: JsonObject, current: JsonObject, path: string, report: Report): void {
  for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    const before = released[keyword];
    const after = current[keyword];
    if (before === after) continue;
    const at = `${path}/${keyword}`;
    const what = `${keyword} ${describe(before)} → ${describe(after)}`;
    const lower = (LOWER_BOUNDS as readonly string[]).includes(keyword);
    const tighter =
      typeof before !== 'number'
        ? after !== undefined
        : typeof after !== 'number'
          ? false
          : lower
            ? after > before
            : after < before;
    if (tighter) report('constraint-tightened', 'narrowed', at, what);
    else report('constraint-loosened', 'widened', at, what);
  }
  for (const keyword of OPAQUE_CONSTRAINTS) {
    const before = released[keyword];
    const after = current[keyword];
    if (canonicalJson(before) === canonicalJson(after)) continue;
    const at = `${path}/${keyword}`;
    const what = `${keyword} ${describe(before)} → ${describe(after)}`;
    if (before === undefined) report('constraint-tightened', 'narrowed', at, what);
    else if (after === undefined) report('constraint-loosened', 'widened', at, what);
    else report('constraint-changed', 'changed', at, what);
  }
  const uniqueBefore = released.uniqueItems === true;
  const uniqueAfter = current.uniqueItems === true;
  if (uniqueBefore !== uniqueAfter) {
    const at = `${path}/uniqueItems`;
    if (uniqueAfter) report('constraint-tightened', 'narrowed', at, 'items must now be unique');
    else report('constraint-loosened', 'widened', at, 'items no longer need to be unique');
  }
}

function compareOptionalSubschema(
  released: JsonObject,
  current: JsonObject,
  keyword: string,
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = released[keyword];
  const after = current[keyword];
  const at = `${path}/${keyword}`;
  if (before === undefined && after === undefined) return;
  if (before === undefined) report('keyword-changed', 'narrowed', at, `"${keyword}" added`);
  else if (after === undefined) report('keyword-changed', 'widened', at, `"${keyword}" removed`);
  else compareSchema(asSchema(before), asSchema(after), at, changes);
}

function compareOpaque(
  released: JsonObject,
  current: JsonObject,
  keyword: string,
  path: string,
  report: Report,
): void {
  if (canonicalJson(released[keyword]) === canonicalJson(current[keyword])) return;
  report('keyword-changed', 'changed', `${path}/${keyword}`, `"${keyword}" changed`);
}

function compareCombinator(
  released: JsonObject,
  current: JsonObject,
  keyword: string,
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = released[keyword];
  const after = current[keyword];
  if (canonicalJson(before) === canonicalJson(after)) return;
  const at = `${path}/${keyword}`;
  if (!isJsonArray(before) || !isJsonArray(after) || before.length !== after.length) {
    report(
      'keyword-changed',
      'changed',
      at,
      `"${keyword}" changed from ${describe(before)} to ${describe(after)}`,
    );
    return;
  }
  before.forEach((schema, index) => {
    compareSchema(asSchema(schema), asSchema(after[index] ?? true), `${at}/${index}`, changes);
  });
}

function compareSchemaMap(
  released: JsonObject,
  current: JsonObject,
  keyword: string,
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = isJsonObject(released[keyword]) ? released[keyword] : {};
  const after = isJsonObject(current[keyword]) ? current[keyword] : {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const at = `${path}/${keyword}/${pointerToken(key)}`;
    const schemaBefore = before[key];
    const schemaAfter = after[key];
    if (schemaBefore === undefined)
      report('keyword-changed', 'narrowed', at, `${keyword} ${JSON.stringify(key)} added`);
    else if (schemaAfter === undefined) {
      report('keyword-changed', 'widened', at, `${keyword} ${JSON.stringify(key)} removed`);
    } else compareSchema(asSchema(schemaBefore), asSchema(schemaAfter), at, changes);
  }
}

function compareDefinitions(
  released: JsonObject,
  current: JsonObject,
  keyword: string,
  path: string,
  changes: BreakingChange[],
  report: Report,
): void {
  const before = isJsonObject(released[keyword]) ? released[keyword] : {};
  const after = isJsonObject(current[keyword]) ? current[keyword] : {};
  for (const [name, schema] of Object.entries(before)) {
    const at = `${path}/${keyword}/${pointerToken(name)}`;
    const next = after[name];
    if (next === undefined)
      report('definition-removed', 'changed', at, `definition ${JSON.stringify(name)} removed`);
    else compareSchema(asSchema(schema), asSchema(next), at, changes);
  }
}

function isSchema(value: JsonValue): value is JsonSchema {
  return typeof value === 'boolean' || isJsonObject(value);
}

/** A JSON value used as a schema: objects and booleans are schemas; anything else is compared as `true`. */
function asSchema(value: JsonValue): JsonSchema {
  return typeof value === 'boolean' || isJsonObject(value) ? value : true;
}

function stringsOf(value: JsonValue | undefined): string[] {
  return isJsonArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function describeList(values: readonly JsonValue[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}
