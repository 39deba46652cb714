import type { ElementDefinition, StructureDefinition } from 'fhir/r4.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import type { RawJsonSchema } from './r4-definitions.js';
import type { ValueSetExpander } from './value-set-expansion.js';

/** An element of cardinality min >= 1 that the JSON Schema does not require. */
export interface RequiredElement {
  /** As the StructureDefinition names it: `status`, `value[x]`. */
  readonly element: string;
  /** The JSON properties any one of which makes it present: `status`, `_status`; `valueString`… */
  readonly properties: readonly string[];
}

/** A `code` element bound to a value set with strength `required`. */
export interface RequiredBinding {
  /** The JSON property of the element (its `items` when it repeats). */
  readonly property: string;
  /** Canonical URL of the value set, without version. */
  readonly valueSet: string;
  /** Its codes, or `undefined` when the schema already has them as an `enum` (or they cannot be expanded). */
  readonly codes: readonly string[] | undefined;
}

/** A property of a primitive type that the schema spells out inline instead of referring to the type. */
export interface InlinePrimitive {
  readonly property: string;
  /** The primitive type (`string`, `integer`…): a definition of the schema. */
  readonly type: string;
}

/** What the StructureDefinitions add to one definition of the JSON Schema. */
export interface DefinitionRules {
  readonly required: RequiredElement[];
  readonly bindings: RequiredBinding[];
  /** Choice-type variants (`valueInteger`…) to point at their type's definition. */
  readonly inlinePrimitives: InlinePrimitive[];
  /** Primitive properties whose `_name` sibling (id, extensions) the schema forgot (`canonical`s). */
  readonly missingExtensions: { readonly property: string; readonly repeats: boolean }[];
  /**
   * Repeating primitive properties: in FHIR JSON, `given` and `_given` are aligned arrays where
   * `null` fills the place of a value without extensions, or of extensions without a value.
   */
  readonly repeatingPrimitives: string[];
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Primitive types have a `_name` sibling in JSON that holds their id and extensions. */
const isPrimitiveType = (code: string) =>
  /^[a-z]/.test(code) || code.startsWith('http://hl7.org/fhirpath/System.');

/** The definition a property refers to: `{$ref}` or `{items: {$ref}}`. */
function referencedDefinition(property: JsonObject): string | undefined {
  const items = isJsonObject(property.items) ? property.items : property;
  const ref = items.$ref;
  return typeof ref === 'string' && ref.startsWith('#/definitions/')
    ? ref.slice('#/definitions/'.length)
    : undefined;
}

/** The schema of one value of the property (its `items` when it repeats). */
export function valueSchema(property: JsonObject): JsonObject {
  return isJsonObject(property.items) ? property.items : property;
}

/**
 * Walks the snapshot of every data type and resource StructureDefinition beside the JSON Schema
 * and returns, per schema definition (`Task`, `Task_Input`, `Narrative`…), the required elements
 * and required code bindings the schema does not check already: the official schema only
 * requires complex elements (a primitive may be present through its `_name` extensions alone)
 * and has enums for most, not all, required bindings. Also what keeps primitive types consistent:
 * the choice-type variants the schema spells out inline (`Extension.valueInteger` as a bare
 * pattern, not `#/definitions/integer`) and the `_name` siblings it forgot (every `canonical`).
 * Elements the schema does not have (a few Medplum additions to the StructureDefinitions) are
 * left out. Done once, at load.
 */
export function deriveElementRules(
  schema: RawJsonSchema,
  structureDefinitions: readonly StructureDefinition[],
  expandValueSet: ValueSetExpander,
): Map<string, DefinitionRules> {
  const rules = new Map<string, DefinitionRules>();
  const rulesOf = (definition: string) => {
    let found = rules.get(definition);
    if (!found) {
      found = {
        required: [],
        bindings: [],
        inlinePrimitives: [],
        missingExtensions: [],
        repeatingPrimitives: [],
      };
      rules.set(definition, found);
    }
    return found;
  };

  for (const structure of structureDefinitions) {
    if (structure.kind !== 'complex-type' && structure.kind !== 'resource') continue;
    if (structure.derivation === 'constraint' || schema.definitions[structure.type] === undefined) continue;
    // Element path -> name of the schema definition of its content (`Task.input` -> `Task_Input`).
    const definitionOf = new Map<string, string>([[structure.type, structure.type]]);
    for (const element of structure.snapshot?.element ?? []) {
      const dot = element.path.lastIndexOf('.');
      const parent = dot < 0 ? undefined : definitionOf.get(element.path.slice(0, dot));
      const definition = parent === undefined ? undefined : schema.definitions[parent];
      if (parent === undefined || definition === undefined) continue;
      const name = element.path.slice(dot + 1);
      const typeCodes = (element.type ?? []).map((type) => type.code);
      const jsonNames = name.endsWith('[x]')
        ? typeCodes.map((code) => `${name.slice(0, -3)}${upperFirst(code)}`)
        : [name];
      const properties = isJsonObject(definition.properties) ? definition.properties : {};
      const property = properties[jsonNames[0] ?? name];
      if (!isJsonObject(property)) continue;

      if (element.contentReference === undefined && isNestedElement(typeCodes)) {
        const nested = referencedDefinition(property);
        if (nested !== undefined) definitionOf.set(element.path, nested);
      }
      const schemaRequired = Array.isArray(definition.required) ? (definition.required as unknown[]) : [];
      if ((element.min ?? 0) >= 1 && !jsonNames.some((json) => schemaRequired.includes(json))) {
        rulesOf(parent).required.push({
          element: name,
          properties: jsonNames.flatMap((json, index) =>
            isPrimitiveType(typeCodes[index] ?? typeCodes[0] ?? '') ? [json, `_${json}`] : [json],
          ),
        });
      }
      for (const [index, json] of jsonNames.entries()) {
        const type = typeCodes.length === 1 ? typeCodes[0] : typeCodes[index];
        const variant = properties[json];
        if (type === undefined || !isJsonObject(variant) || !isSchemaPrimitive(schema, type)) continue;
        const value = valueSchema(variant);
        if (value.$ref === undefined && value.enum === undefined)
          rulesOf(parent).inlinePrimitives.push({ property: json, type });
        if (type !== 'xhtml' && properties[`_${json}`] === undefined) {
          rulesOf(parent).missingExtensions.push({ property: json, repeats: isJsonObject(variant.items) });
        }
        if (isJsonObject(variant.items)) rulesOf(parent).repeatingPrimitives.push(json);
      }
      const binding = requiredCodeBinding(element, typeCodes);
      if (binding !== undefined && jsonNames.length === 1) {
        const hasEnum = Array.isArray(valueSchema(property).enum);
        const codes = hasEnum ? undefined : expandValueSet(binding);
        if (hasEnum || codes !== undefined) {
          rulesOf(parent).bindings.push({
            property: name,
            valueSet: binding.split('|')[0] ?? binding,
            codes,
          });
        }
      }
    }
  }
  return rules;
}

/** A FHIR primitive type (`string`, `canonical`…) the schema defines. */
function isSchemaPrimitive(schema: RawJsonSchema, type: string): boolean {
  return /^[a-z]/.test(type) && schema.definitions[type] !== undefined;
}

function isNestedElement(typeCodes: readonly string[]): boolean {
  return typeCodes.length === 1 && (typeCodes[0] === 'BackboneElement' || typeCodes[0] === 'Element');
}

/** The value set of a `code` element bound with strength `required`. */
function requiredCodeBinding(element: ElementDefinition, typeCodes: readonly string[]): string | undefined {
  if (element.binding?.strength !== 'required' || element.binding.valueSet === undefined) return undefined;
  return typeCodes.length === 1 && typeCodes[0] === 'code' ? element.binding.valueSet : undefined;
}
