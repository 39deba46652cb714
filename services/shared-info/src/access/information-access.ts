import { DATA_CATEGORIES, type DataCategory } from '@carenet/access';
import type { AccessGate, PatientKeyOf, PatientVisibility, Principal } from '@carenet/fhir';
import type { CodeableConcept } from 'fhir/r4.js';
import { dataCategoryOfCodes } from '../fhir/shared/shared-information.js';

/**
 * The types of shared information (issue 18): a Communication or DocumentReference is information
 * of its own category (`category`, the shared-information-category code; `medical` when none),
 * and the access decision on it is made for that category, not for its type.
 */
export const SHARED_INFORMATION_TYPES: readonly string[] = ['Communication', 'DocumentReference'];

const isInformation = (type: string) => SHARED_INFORMATION_TYPES.includes(type);

/** The category of information a Communication or DocumentReference holds. */
export function informationCategoryOfResource(resource: { readonly resourceType: string }): DataCategory {
  return dataCategoryOfCodes((resource as { category?: CodeableConcept[] }).category);
}

/**
 * The key the FHIR search read model keeps with each version (`PostgresSearchStore.open({
 * patientKeyOf })`), what a search's visibility filters on: `base`'s patient key, qualified by the
 * category for shared information (`social:urn:oid:1.2.250.1.213.1.4.8|279…`), so that the
 * visibility of these types (informationAccessGate) sees each resource for its own category.
 */
export function informationPatientKeyOf(base: PatientKeyOf): PatientKeyOf {
  return (resource) => {
    const key = base(resource);
    if (key === null || !isInformation(resource.resourceType)) return key;
    return `${informationCategoryOfResource(resource)}:${key}`;
  };
}

/** A visibility's SELECT with its parameters renumbered from `$<offset + 1>`. */
function renumbered(visibility: PatientVisibility, offset: number): string {
  return visibility.sql.replace(/\$(\d+)/g, (_token: string, n: string) => `$${Number(n) + offset}`);
}

/**
 * The access gate with shared information decided per resource (issue 18, DOMAIN.md §4): a read
 * of a Communication or DocumentReference is decided for the category it states (a social worker
 * under a consent to share social information reads the social ones, never the medical ones); a
 * search or history of them sees, for each category, the patients whose information of that
 * category the caller may see (keys qualified as informationPatientKeyOf stores them). Every
 * other type goes to the gate of `categoryOfType`. `gateFor(categoryOf)` is the service's gate
 * (factsAccessGate) deciding with that category function.
 */
export function informationAccessGate(
  gateFor: (categoryOf: (type: string) => DataCategory) => AccessGate,
  categoryOfType: (type: string) => DataCategory,
): AccessGate {
  const base = gateFor(categoryOfType);
  const byCategory = new Map(DATA_CATEGORIES.map((category) => [category, gateFor(() => category)]));
  const gateOf = (category: DataCategory): AccessGate => byCategory.get(category) ?? base;
  return {
    checkRead(principal, resource, request) {
      if (!isInformation(resource.resourceType)) return base.checkRead(principal, resource, request);
      return gateOf(informationCategoryOfResource(resource)).checkRead(principal, resource, request);
    },
    visibility(principal: Principal | undefined, type: string): PatientVisibility | undefined {
      if (!isInformation(type)) return base.visibility(principal, type);
      const parts: string[] = [];
      const params: unknown[] = [];
      for (const category of DATA_CATEGORIES) {
        const visible = gateOf(category).visibility(principal, type);
        // Every patient in one category is every patient in all (an administrator, no caller).
        if (visible === undefined) return undefined;
        parts.push(
          `SELECT '${category}:' || v.k FROM (${renumbered(visible, params.length)}) AS v(k) WHERE v.k IS NOT NULL`,
        );
        params.push(...visible.params);
      }
      // Only category-qualified keys: a resource keyed plainly (another type a page would include,
      // or shared information stored by a writer that did not qualify its key) is not shown. Fail
      // closed: an unqualified Communication must not pass as information of another category.
      return { sql: parts.join('\nUNION ALL\n'), params };
    },
  };
}
