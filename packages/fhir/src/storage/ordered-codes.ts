import type { SearchParameterDefinition } from '../search/index.js';

/**
 * Token parameters whose codes have a clinical order, so that `_sort` follows it rather than the
 * alphabet: `_sort=-priority` must put `stat` first (alphabetically it would come second, after
 * `urgent`). R4 binds every `priority` element of the request resources to RequestPriority.
 */
const REQUEST_PRIORITY = ['routine', 'urgent', 'asap', 'stat'] as const;

/** The codes of the parameter in ascending order, when they have one. */
export function orderedCodesOf(parameter: SearchParameterDefinition): readonly string[] | undefined {
  if (parameter.type !== 'token' || parameter.code !== 'priority') return undefined;
  const expression = parameter.expression ?? '';
  return /^[A-Z][A-Za-z]*\.priority$/.test(expression) ? REQUEST_PRIORITY : undefined;
}
