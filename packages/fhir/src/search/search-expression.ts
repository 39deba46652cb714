/**
 * FHIRPath expressions of R4 search parameters, made usable per resource type:
 *
 * - a definition shared by several types (`Task.for | CarePlan.subject`, or the 32-type
 *   `clinical-patient`) is narrowed to the union members of one type;
 * - the `Resource`/`DomainResource` parameters (`Resource.meta.lastUpdated`) are written for the
 *   concrete type (`Task.meta.lastUpdated`);
 * - `where(resolve() is Patient)` (28 of the 1,378 R4 parameters) needs a server to fetch the
 *   target; it is rewritten into a check of the reference itself: its string has the type prefix
 *   (`Patient/1`, `https://host/fhir/Patient/1`, with or without `/_history/n`), or, for a logical
 *   reference by identifier, its `type` says so (`Patient` or the StructureDefinition URL).
 */

/** Splits an expression on its top-level `|` (not inside parentheses, brackets or string literals). */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (let i = 0; i < expression.length; i++) {
    const ch = expression.charAt(i);
    if (quote) {
      current += ch;
      if (ch === '\\' && i + 1 < expression.length) {
        current += expression.charAt(i + 1);
        i++;
      } else if (ch === quote) {
        quote = undefined;
      }
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++;
    } else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
    } else if (ch === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p.length > 0);
}

/** The first identifier of a union member, after any opening parentheses: `(Observation.value...)` → `Observation`. */
export function leadingIdentifier(part: string): string | undefined {
  return /^\(*\s*([A-Za-z][A-Za-z0-9_]*)/.exec(part)?.[1];
}

const ABSTRACT_BASES = new Set(['Resource', 'DomainResource']);

/**
 * The members of `expression` that apply to `resourceType`, joined with ` | `; `undefined` when
 * none does. `base` is the definition's base list: with a single base every member applies (R4
 * has members without a type prefix, e.g. InsurancePlan `name | alias`).
 */
export function narrowExpression(
  expression: string,
  resourceType: string,
  base: readonly string[],
): string | undefined {
  const parts = splitUnion(expression);
  const abstract = base.find((b) => ABSTRACT_BASES.has(b));
  if (abstract !== undefined && base.length === 1) {
    return parts
      .map((part) =>
        leadingIdentifier(part) === abstract ? replaceLeading(part, abstract, resourceType) : part,
      )
      .join(' | ');
  }
  if (base.length <= 1) return parts.join(' | ');
  const mine = parts.filter((part) => leadingIdentifier(part) === resourceType);
  return mine.length > 0 ? mine.join(' | ') : undefined;
}

function replaceLeading(part: string, from: string, to: string): string {
  const at = part.indexOf(from);
  return at < 0 ? part : part.slice(0, at) + to + part.slice(at + from.length);
}

const RESOLVE_IS = /\.where\(\s*resolve\(\)\s+is\s+([A-Z][A-Za-z]*)\s*\)/g;

/** The FHIRPath predicate, on a Reference, that stands for `resolve() is <type>`. */
export function referenceTypePredicate(type: string): string {
  const id = '[A-Za-z0-9.-]{1,64}';
  return (
    `reference.matches('^(.*/)?${type}/${id}(/_history/${id})?$')` +
    ` or type = '${type}' or type = 'http://hl7.org/fhir/StructureDefinition/${type}'`
  );
}

/** Rewrites every `.where(resolve() is X)` into a check on the reference's type (see above). */
export function rewriteResolve(expression: string): string {
  return expression.replace(RESOLVE_IS, (_match, type: string) => `.where(${referenceTypePredicate(type)})`);
}

/** Whether the expression still needs a server (an unhandled `resolve()`). */
export function needsServer(expression: string): boolean {
  return /\bresolve\(/.test(expression);
}
