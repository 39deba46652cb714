import type { OperationOutcomeIssue } from 'fhir/r4.js';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import { unreferencedContained } from './contained-references.js';
import type { InvariantDefinition } from './invariant-definitions.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { validationIssue } from './schema-issues.js';

/** The invariants of one resource type, compiled: the issues of a (schema-valid) resource. */
export type InvariantChecker = (resource: JsonObject) => OperationOutcomeIssue[];

type Evaluate = (node: JsonObject, vars: Readonly<Record<string, unknown>>) => unknown[];

interface CompiledInvariant {
  readonly definition: InvariantDefinition;
  /** JSON properties from the resource to the element (`['activity']`; none for the root). */
  readonly steps: readonly string[];
  readonly evaluate: Evaluate;
  /**
   * The names the expression can reach its focus's content by, when that is all it can reach:
   * with none of them present the outcome is `whenAbsent`, known at compile time (no evaluation).
   */
  readonly guard?: { readonly names: readonly string[]; readonly whenAbsent: boolean };
}

/** FHIRPath operators that read like identifiers. */
const KEYWORDS = new Set([
  'and',
  'or',
  'xor',
  'implies',
  'is',
  'as',
  'in',
  'contains',
  'div',
  'mod',
  'true',
  'false',
]);

/** What lets an expression reach beyond the names it spells (the whole resource, other elements, the clock). */
const REACHES_FURTHER =
  /\$this|%|\bdescendants\s*\(|\bchildren\s*\(|\brepeat\s*\(|\bnow\s*\(|\btoday\s*\(|\btimeOfDay\s*\(/;

/**
 * The element names an expression navigates from its focus, when nothing else of the focus can
 * matter to it: identifiers that do not follow a `.` (a path's first step, or a function
 * argument's, which over-approximates safely), and no function called on the focus itself
 * (`exists()` alone), no `$this`, `%resource`, `descendants()`… `undefined` when it may reach
 * further (then it is always evaluated).
 */
export function focusNames(expression: string): string[] | undefined {
  const text = expression
    .replace(/'(?:[^'\\]|\\.)*'/g, "''")
    .replace(/@[0-9T:.+\-Z]*/g, '@')
    // a delimited identifier (`div`) is a name even when it spells an operator: marked with \u0001
    .replace(/`([^`]*)`/g, '$1\u0001');
  if (REACHES_FURTHER.test(text)) return undefined;
  const names = new Set<string>();
  for (const match of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(\s*\()?/g)) {
    const name = match[1] ?? '';
    const start = match.index;
    const before = text.slice(0, start).trimEnd();
    if (start > 0 && /[A-Za-z0-9_]$/.test(text.slice(0, start))) continue;
    const isFunction = match[2] !== undefined;
    const afterDot = before.endsWith('.');
    if (isFunction) {
      if (!afterDot && name !== 'iif') return undefined;
      continue;
    }
    const delimited = text.charAt(start + name.length) === '\u0001';
    if (!afterDot && (delimited || !KEYWORDS.has(name))) names.add(name);
  }
  return [...names];
}

/** Whether the JSON object has the element `name`: `name`, `_name`, or a choice variant `nameFoo`. */
function hasElement(node: JsonObject, name: string): boolean {
  for (const key of Object.keys(node)) {
    if (key === name || key === `_${name}`) return true;
    if (key.length > name.length && key.startsWith(name) && /[A-Z]/.test(key.charAt(name.length)))
      return true;
  }
  return false;
}

function asBoolean(result: unknown[]): boolean | undefined {
  return result.length === 1 && typeof result[0] === 'boolean' ? result[0] : undefined;
}

const noTrace = () => undefined;

function compileInvariant(type: string, definition: InvariantDefinition): CompiledInvariant | undefined {
  const steps = definition.path === type ? [] : definition.path.slice(type.length + 1).split('.');
  const options = { resolveInternalTypes: false, traceFn: noTrace };
  let fn: (node: unknown, vars?: Record<string, unknown>) => unknown;
  try {
    fn =
      steps.length === 0
        ? fhirpath.compile(definition.expression, r4Model, options)
        : fhirpath.compile({ base: definition.path, expression: definition.expression }, r4Model, options);
  } catch {
    return undefined; // the engine cannot parse it: not checked
  }
  const evaluate: Evaluate = (node, vars) => fn(node, { ...vars }) as unknown[];
  const names = focusNames(definition.expression);
  let guard: CompiledInvariant['guard'];
  if (names !== undefined) {
    try {
      const empty: JsonObject = steps.length === 0 ? { resourceType: type } : {};
      const whenAbsent = asBoolean(evaluate(empty, { resource: empty, rootResource: empty }));
      if (whenAbsent !== undefined) guard = { names, whenAbsent };
    } catch {
      // no shortcut: always evaluated
    }
  }
  return { definition, steps, evaluate, ...(guard && { guard }) };
}

/** Each element at `steps` from `node`, with its FHIRPath (`CarePlan.activity[0]`). */
function* elementsAt(
  node: JsonObject,
  steps: readonly string[],
  index: number,
  expression: string,
): Generator<[JsonObject, string]> {
  if (index === steps.length) {
    yield [node, expression];
    return;
  }
  const step = steps[index] ?? '';
  const value = node[step];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      if (isJsonObject(item)) yield* elementsAt(item, steps, index + 1, `${expression}.${step}[${i}]`);
    }
  } else if (isJsonObject(value)) {
    yield* elementsAt(value, steps, index + 1, `${expression}.${step}`);
  }
}

/**
 * Compiles the invariants of a resource type once (fhirpath.js, R4 model). The checker evaluates
 * each on the resource, or on each element of its path present in the resource
 * (`CarePlan.activity[0]`, `[1]`…), with `%resource` the resource. An invariant fails when its
 * expression answers `false`; an empty answer (a comparison of dates of different precisions) or
 * an evaluation error is not a failure: the engine could not decide. Each failure is an
 * `invariant` issue at the element, its diagnostics the constraint's key and human text.
 */
export function compileInvariants(
  type: string,
  definitions: readonly InvariantDefinition[],
): InvariantChecker {
  // dom-3 runs natively (see contained-references.ts), pointing at the unreferenced resource.
  const native = definitions.find((d) => d.key === 'dom-3' && d.path === type);
  const compiled = definitions
    .filter((d) => d !== native)
    .map((definition) => compileInvariant(type, definition))
    .filter((c): c is CompiledInvariant => c !== undefined);
  if (compiled.length === 0 && native === undefined) return () => [];
  return (resource) => {
    const issues: OperationOutcomeIssue[] = [];
    const vars = { resource, rootResource: resource };
    for (const index of native ? unreferencedContained(resource) : []) {
      issues.push(
        validationIssue(
          'invariant',
          `Constraint dom-3 failed: ${native?.human ?? ''}`,
          `${type}.contained[${index}]`,
        ),
      );
    }
    for (const invariant of compiled) {
      for (const [node, expression] of elementsAt(resource, invariant.steps, 0, type)) {
        const { guard } = invariant;
        let holds: boolean | undefined;
        if (guard && !guard.names.some((name) => hasElement(node, name))) holds = guard.whenAbsent;
        else {
          try {
            holds = asBoolean(invariant.evaluate(node, vars));
          } catch {
            holds = undefined;
          }
        }
        if (holds === false) {
          const { key, human } = invariant.definition;
          issues.push(validationIssue('invariant', `Constraint ${key} failed: ${human}`, expression));
        }
      }
    }
    return issues;
  };
}
