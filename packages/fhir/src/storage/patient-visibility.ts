/**
 * The patients a caller may see, as the access decision's search filter gives them: a SELECT of
 * patient keys (`<system>|<value>`), its parameters `$1`…. A search, a type history and the
 * `_include`/`_revinclude` of a page keep only the resources of those patients, and those about no
 * patient (their `patient_key` is NULL): counts, pages and cursors never see the others.
 */
export interface PatientVisibility {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** The key of the patient a resource is about (its patient compartment), or `null`: none. */
export type PatientKeyOf = (resource: { readonly resourceType: string }) => string | null;

/** Where a query being built collects its parameters: `bind` adds one and returns its placeholder. */
export interface ParameterBinder {
  bind(value: unknown): string;
}

/**
 * The condition that a row's `column` (a patient key) is visible, the SELECT's parameters bound
 * into `p` (each of its `$n` once, whatever the number of uses).
 */
export function visibleCondition(visibility: PatientVisibility, column: string, p: ParameterBinder): string {
  const bound = new Map<string, string>();
  const select = visibility.sql.replace(/\$(\d+)/g, (token: string, n: string) => {
    let placeholder = bound.get(n);
    if (placeholder === undefined) {
      const index = Number(n) - 1;
      if (index < 0 || index >= visibility.params.length) throw new RangeError(`no parameter for ${token}`);
      placeholder = p.bind(visibility.params[index]);
      bound.set(n, placeholder);
    }
    return placeholder;
  });
  return `(${column} IS NULL OR ${column} IN (${select}))`;
}
