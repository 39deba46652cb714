import type { ErrorObject } from 'ajv';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { childExpression, pointerToExpression } from './fhirpath-expression.js';
import { describeJsonValue, isJsonObject } from './json-value.js';
import { VALUE_SET_ANNOTATION } from './r4-schema.js';
import { REQUIRED_ELEMENTS_KEYWORD } from './required-elements-keyword.js';

/** The issue codes validation answers with. */
export type ValidationIssueCode = 'structure' | 'required' | 'value' | 'invariant' | 'invalid';

export function validationIssue(
  code: ValidationIssueCode,
  diagnostics: string,
  expression?: string,
): OperationOutcomeIssue {
  return {
    severity: 'error',
    code,
    diagnostics,
    ...(expression !== undefined && { expression: [expression] }),
  };
}

/** Keywords that only say "a branch failed": their inner errors say what. */
const COMPOSITE = new Set(['oneOf', 'anyOf', 'allOf', 'not', 'if', 'then', 'else']);

/** Keywords that add nothing once the value has the wrong JSON type. */
const AFTER_TYPE = new Set(['enum', 'const', 'pattern', 'minimum', 'maximum', 'minItems', 'minProperties']);

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
};

/** What a valid value of a primitive type looks like, for the diagnostics of a bad one. */
const PRIMITIVE_FORMATS: Readonly<Record<string, string>> = {
  date: 'YYYY, YYYY-MM or YYYY-MM-DD',
  dateTime: 'YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm)',
  instant: 'YYYY-MM-DDThh:mm:ss(.sss) with a time zone (Z or +hh:mm)',
  time: 'hh:mm:ss',
  id: '1 to 64 letters, digits, "-" or "."',
  code: 'no leading, trailing or double whitespace',
  uri: 'no whitespace',
  url: 'no whitespace',
  canonical: 'no whitespace',
  string: 'must not be empty',
  markdown: 'must not be empty',
};

/** The FHIR primitive type whose definition an error's schema path is in (`#/definitions/date/pattern`). */
function primitiveOf(error: ErrorObject): string | undefined {
  const match = /#\/definitions\/([a-z][A-Za-z0-9]*)\/[A-Za-z]+$/.exec(error.schemaPath);
  return match?.[1];
}

function listCodes(codes: readonly unknown[]): string {
  const shown = codes.slice(0, 20).map(String).join(', ');
  return codes.length > 20 ? `${shown}, … (${codes.length} codes)` : shown;
}

function typeName(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}

function missing(expression: string, element: string = expression): OperationOutcomeIssue {
  return validationIssue(
    'required',
    `${element} is required (minimum cardinality 1) but missing`,
    expression,
  );
}

/** One ajv error as an OperationOutcome issue about the element it is at. */
function issueOf(error: ErrorObject, root: string, document: unknown): OperationOutcomeIssue {
  const at = pointerToExpression(root, error.instancePath, document);
  const params = error.params as Record<string, unknown>;
  const primitive = primitiveOf(error);
  const fhirType = primitive === undefined ? '' : ` (FHIR ${primitive})`;
  switch (error.keyword) {
    case 'required':
      return missing(childExpression(at, String(params.missingProperty)));
    case REQUIRED_ELEMENTS_KEYWORD: {
      const element = String(params.element);
      return missing(childExpression(at, element.replace(/\[x]$/, '')), `${at}.${element}`);
    }
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      return validationIssue(
        'structure',
        `${JSON.stringify(property)} is not an element FHIR R4 defines in ${at}`,
        childExpression(at, property),
      );
    }
    case 'type':
      return validationIssue(
        'structure',
        `${at} must be ${typeName(params.type)}${fhirType}, not ${describeJsonValue(error.data)}`,
        at,
      );
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]) : [];
      const valueSet = error.parentSchema?.[VALUE_SET_ANNOTATION] as string | undefined;
      const from =
        valueSet === undefined ? 'one of the allowed codes' : `in the required value set ${valueSet}`;
      return validationIssue(
        'value',
        `${at}: ${JSON.stringify(error.data)} is not ${from} (${listCodes(allowed)})`,
        at,
      );
    }
    case 'pattern': {
      const format = primitive === undefined ? undefined : PRIMITIVE_FORMATS[primitive];
      return validationIssue(
        'value',
        `${at}: ${JSON.stringify(error.data)} is not a valid ${primitive === undefined ? 'value' : `FHIR ${primitive}`}${format === undefined ? '' : ` (${format})`}`,
        at,
      );
    }
    case 'minimum':
    case 'maximum':
      return validationIssue(
        'value',
        `${at}: ${JSON.stringify(error.data)} must be ${String(params.comparison)} ${String(params.limit)}${fhirType}`,
        at,
      );
    case 'minItems':
      return validationIssue('structure', `${at} is an empty array: leave the element out instead`, at);
    case 'minProperties':
      return validationIssue(
        'invariant',
        `${at} is empty: a FHIR element must have a value or children (ele-1)`,
        at,
      );
    case 'discriminator': {
      const tag = isJsonObject(error.data) ? error.data.resourceType : undefined;
      const expression = childExpression(at, 'resourceType');
      if (tag === undefined) return missing(expression);
      return params.error === 'mapping'
        ? validationIssue(
            'value',
            `${expression}: ${JSON.stringify(tag)} is not a FHIR R4 resource type`,
            expression,
          )
        : validationIssue(
            'structure',
            `${expression} must be a string naming a FHIR R4 resource type, not ${describeJsonValue(tag)}`,
            expression,
          );
    }
    case 'const':
      return validationIssue('invalid', `${at} must be ${JSON.stringify(params.allowedValue)}`, at);
    default:
      return validationIssue('structure', `${at}: ${error.message ?? error.keyword}`, at);
  }
}

/**
 * ajv's errors on a resource as OperationOutcome issues, without the noise: the errors of
 * composite keywords (`oneOf`…) when a nested error says more, the checks that follow a wrong
 * JSON type at the same place (an array where a code is expected is one issue, not three), and
 * duplicates. In the order ajv found them.
 */
export function schemaIssues(
  errors: readonly ErrorObject[],
  root: string,
  document: unknown,
): OperationOutcomeIssue[] {
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const kept = errors.filter((error) => {
    if (AFTER_TYPE.has(error.keyword) && wrongType.has(error.instancePath)) return false;
    if (!COMPOSITE.has(error.keyword)) return true;
    const inside = `${error.instancePath}/`;
    return !errors.some(
      (other) =>
        !COMPOSITE.has(other.keyword) &&
        (other.instancePath === error.instancePath || other.instancePath.startsWith(inside)),
    );
  });
  const seen = new Set<string>();
  const issues: OperationOutcomeIssue[] = [];
  for (const error of kept) {
    const issue = issueOf(error, root, document);
    const key = `${issue.code}\u0000${issue.expression?.[0] ?? ''}\u0000${issue.diagnostics ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}
