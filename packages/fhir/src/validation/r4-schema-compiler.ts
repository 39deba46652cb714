import { Ajv, type ValidateFunction } from 'ajv';
import { FhirDefinitionsError } from './errors.js';
import { compileInvariants, type InvariantChecker } from './invariant-checker.js';
import { deriveInvariants, type SkippedInvariant } from './invariant-definitions.js';
import { readR4Definitions } from './r4-definitions.js';
import { buildR4Schema } from './r4-schema.js';
import { requiredElementsKeyword } from './required-elements-keyword.js';

const SCHEMA_KEY = 'fhir';

/** The R4 schema loaded into ajv, with one compiled validation function per resource type. */
export interface R4SchemaCompiler {
  /** Every resource type of FHIR R4. */
  readonly resourceTypes: ReadonlySet<string>;
  /**
   * The validation function of a resource type (a member of `resourceTypes`), compiled on first
   * use (about a second for the first type: it compiles every resource type a `contained` may
   * hold; far less for the next ones), then reused.
   */
  validatorFor(resourceType: string): ValidateFunction;
  /**
   * The FHIRPath invariants of a resource type (severity error, but `ele-1`), compiled on first
   * use (a few ms), then reused.
   */
  invariantsFor(resourceType: string): InvariantChecker;
  /** The R4 constraints of the resource types that are not checked, and why. */
  readonly skippedInvariants: readonly SkippedInvariant[];
}

function createR4SchemaCompiler(): R4SchemaCompiler {
  const definitions = readR4Definitions();
  const invariants = deriveInvariants(
    definitions.structureDefinitions,
    definitions.structureDefinitions.filter((s) => s.kind === 'resource').map((s) => s.type),
  );
  const { schema, resourceTypes } = buildR4Schema(definitions);
  const ajv = new Ajv({
    // Draft-06 schema with annotations ajv does not know: not checked against a meta-schema.
    strict: false,
    validateSchema: false,
    // Every problem in one answer; costs nothing on valid resources.
    allErrors: true,
    // Errors carry the data and schema they are about (for the diagnostics), built on failure only.
    verbose: true,
    discriminator: true,
  });
  ajv.addKeyword(requiredElementsKeyword);
  ajv.addSchema(schema, SCHEMA_KEY);
  const compiled = new Map<string, ValidateFunction>();
  const checkers = new Map<string, InvariantChecker>();
  return {
    resourceTypes: new Set(resourceTypes),
    skippedInvariants: invariants.skipped,
    invariantsFor(resourceType) {
      let checker = checkers.get(resourceType);
      if (!checker) {
        checker = compileInvariants(resourceType, invariants.byType.get(resourceType) ?? []);
        checkers.set(resourceType, checker);
      }
      return checker;
    },
    validatorFor(resourceType) {
      let validate = compiled.get(resourceType);
      if (!validate) {
        validate = ajv.getSchema(`${SCHEMA_KEY}#/definitions/${resourceType}`);
        if (!validate) throw new FhirDefinitionsError(`the R4 schema has no definition of ${resourceType}`);
        compiled.set(resourceType, validate);
      }
      return validate;
    },
  };
}

let shared: R4SchemaCompiler | undefined;

/**
 * The one compiler of the process: the R4 definitions are read and the schema built once (about
 * half a second), and every validator shares the compiled functions.
 */
export function sharedR4SchemaCompiler(): R4SchemaCompiler {
  shared ??= createR4SchemaCompiler();
  return shared;
}
