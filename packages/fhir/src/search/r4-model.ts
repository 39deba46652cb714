import r4Model from 'fhirpath/fhir-context/r4';

/**
 * What the search module asks of the R4 model shipped with fhirpath.js: the model itself (to
 * compile expressions type-aware), the concrete resource types, and the top-level elements of a
 * type (for `_elements`).
 */
export const R4_MODEL = r4Model;

const ABSTRACT = new Set(['Resource', 'DomainResource']);

function isResourceDescendant(type: string): boolean {
  let current: string | undefined = type;
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    if (current === 'Resource') return true;
    current = R4_MODEL.type2Parent[current];
  }
  return false;
}

/** The 146 concrete R4 resource types, sorted. */
export const R4_RESOURCE_TYPES: readonly string[] = Object.freeze(
  Object.keys(R4_MODEL.type2Parent)
    .filter((t) => !ABSTRACT.has(t) && isResourceDescendant(t))
    .sort(),
);

const RESOURCE_TYPE_SET = new Set(R4_RESOURCE_TYPES);

export function isR4ResourceType(type: string): boolean {
  return RESOURCE_TYPE_SET.has(type);
}

/** Whether a resource type derives from DomainResource (all but Binary, Bundle, Parameters). */
export function isDomainResourceType(type: string): boolean {
  return R4_MODEL.type2Parent[type] === 'DomainResource';
}

/** Whether `element` (no type suffix, e.g. `effective`) is a top-level element of `type`. */
export function isTopLevelElement(type: string, element: string): boolean {
  const path = `${type}.${element}`;
  return R4_MODEL.path2Type[path] !== undefined || R4_MODEL.choiceTypePaths[path] !== undefined;
}
