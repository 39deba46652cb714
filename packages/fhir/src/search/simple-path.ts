/** What a simple path needs of the fhirpath.js model (`fhirpath/fhir-context/r4`). */
export interface PathModel {
  readonly path2Type: Readonly<Record<string, string>>;
  readonly choiceTypePaths: Readonly<Record<string, unknown>>;
  readonly type2Parent: Readonly<Record<string, string>>;
}

/** One value a path reached: the model's type of its element, and the JSON data. */
export interface PathValue {
  readonly declaredType: string;
  readonly data: unknown;
}

export type SimplePath = (resource: unknown) => PathValue[];

const SEGMENT = /^[a-z][A-Za-z0-9]*$/;
const INLINE_TYPES = new Set(['BackboneElement', 'Element']);

/** The model's type of `element` on `base` (a type, or the path of an inline backbone element). */
function elementType(model: PathModel, base: string, element: string): string | undefined {
  for (let type: string | undefined = base; type !== undefined; type = model.type2Parent[type]) {
    const path = `${type}.${element}`;
    if (model.choiceTypePaths[path] !== undefined) return undefined;
    const found = model.path2Type[path];
    if (found !== undefined) return INLINE_TYPES.has(found) ? `${found}@${path}` : found;
  }
  return undefined;
}

/**
 * A search parameter expression that is a plain path from the resource (`Task.status`,
 * `Task.meta.lastUpdated`, `Task.restriction.period`), compiled to a walk of the JSON: each
 * element of each step, arrays flattened, with the type the R4 model gives the last element.
 * What fhirpath.js returns for such a path, without its engine (a Task carries 24 of them).
 * Undefined for anything else (functions, `where`, `|`, `as`, choice elements, elements the model
 * does not know): those stay with fhirpath.js.
 */
export function compileSimplePath(
  expression: string,
  resourceType: string,
  model: PathModel,
): SimplePath | undefined {
  const [root, ...segments] = expression.split('.');
  if (root !== resourceType || segments.length === 0 || !segments.every((s) => SEGMENT.test(s)))
    return undefined;
  let base = resourceType;
  let declaredType = resourceType;
  for (const segment of segments) {
    const type = elementType(model, base, segment);
    if (type === undefined) return undefined;
    const at = type.indexOf('@');
    // An inline backbone element: its children are named by its path.
    declaredType = at < 0 ? type : type.slice(0, at);
    base = at < 0 ? type : type.slice(at + 1);
  }
  return (resource) => {
    let current: unknown[] = [resource];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const value of current) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        const child = (value as Record<string, unknown>)[segment];
        if (Array.isArray(child)) {
          for (const item of child) if (item !== null && item !== undefined) next.push(item);
        } else if (child !== null && child !== undefined) {
          next.push(child);
        }
      }
      if (next.length === 0) return [];
      current = next;
    }
    return current.map((data) => ({ declaredType, data }));
  };
}
