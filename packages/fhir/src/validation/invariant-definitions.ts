import type { StructureDefinition } from 'fhir/r4.js';

/** A FHIRPath invariant (`ElementDefinition.constraint`, severity `error`) to check on a resource type. */
export interface InvariantDefinition {
  /** `inv-1`, `cpl-3`, `dom-2`… */
  readonly key: string;
  /** The constraint's human text, for the diagnostics. */
  readonly human: string;
  /** The FHIRPath expression, relative to the element. */
  readonly expression: string;
  /** The element it is on: `Task` (the resource), `CarePlan.activity`, `Task.restriction.extension`. */
  readonly path: string;
}

/** A constraint of R4 that is not checked, and why (the validation README lists them). */
export interface SkippedInvariant {
  readonly key: string;
  readonly path: string;
  readonly reason: string;
}

/** Checked by the JSON Schema already (empty elements and arrays). */
const CHECKED_BY_SCHEMA = new Set(['ele-1']);

/**
 * Functions fhirpath.js cannot evaluate meaningfully at validation time: `resolve()` needs the
 * referenced resource (the validator resolves nothing), the terminology and profile functions a
 * server. No R4 resource invariant but `ctm-1` (CareTeam.participant) uses one of them.
 */
const UNSUPPORTED_FUNCTIONS = [
  'resolve',
  'memberOf',
  'conformsTo',
  'subsumes',
  'subsumedBy',
  'expand',
  'lookup',
  'validateVS',
  'validateCS',
  'translate',
];
const UNSUPPORTED = new RegExp(`(^|[^A-Za-z0-9_])(${UNSUPPORTED_FUNCTIONS.join('|')})\\s*\\(`);

/**
 * Corrected expressions. R4's `dom-3` applies `as(canonical)` to `descendants()`, a collection:
 * FHIRPath (and fhirpath.js) refuse `as` on more than one item, so the R4 text fails on any
 * resource with contained resources. This is the expression of R5 (`ofType`, and the contained
 * resource must have an id), which means what R4 meant.
 */
const CORRECTED: Readonly<Record<string, string>> = {
  'dom-3':
    "contained.where(((id.exists() and ('#'+id in (%resource.descendants().reference | %resource.descendants().ofType(canonical) | %resource.descendants().ofType(uri) | %resource.descendants().ofType(url)))) or descendants().where(reference = '#').exists() or descendants().where(ofType(canonical) = '#').exists() or descendants().where(ofType(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
};

/**
 * The error-severity invariants of each resource type, from the snapshot of its
 * StructureDefinition: the type's own (`inv-1`), those it inherits (`dom-2`…`dom-5` of
 * DomainResource on the root) and those of the data types it uses that the snapshot repeats on
 * its elements (`ext-1` on `Task.extension`). Warnings and guidelines (`dom-6`) are not errors;
 * `ele-1` is the schema's. Done once, at load; the expressions are compiled per type on use.
 */
export function deriveInvariants(
  structureDefinitions: readonly StructureDefinition[],
  resourceTypes: readonly string[],
): { readonly byType: Map<string, InvariantDefinition[]>; readonly skipped: SkippedInvariant[] } {
  const wanted = new Set(resourceTypes);
  const byType = new Map<string, InvariantDefinition[]>();
  const skipped: SkippedInvariant[] = [];
  for (const structure of structureDefinitions) {
    if (structure.kind !== 'resource' || structure.derivation !== 'specialization') continue;
    if (!wanted.has(structure.type) || byType.has(structure.type)) continue;
    const invariants: InvariantDefinition[] = [];
    for (const element of structure.snapshot?.element ?? []) {
      for (const constraint of element.constraint ?? []) {
        if (constraint.severity !== 'error' || CHECKED_BY_SCHEMA.has(constraint.key)) continue;
        const expression = CORRECTED[constraint.key] ?? constraint.expression;
        const skip = (reason: string) => skipped.push({ key: constraint.key, path: element.path, reason });
        if (expression === undefined || expression.trim().length === 0) skip('no FHIRPath expression');
        else if (element.path.includes('[x]')) skip('on a choice element');
        else if (UNSUPPORTED.test(expression)) skip(`uses ${UNSUPPORTED.exec(expression)?.[2] ?? '?'}()`);
        else
          invariants.push({ key: constraint.key, human: constraint.human, expression, path: element.path });
      }
    }
    byType.set(structure.type, invariants);
  }
  return { byType, skipped };
}
