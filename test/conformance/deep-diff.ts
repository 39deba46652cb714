// Element-by-element comparison of two JSON values (FHIR resources as sent and as read back), and
// the round-trip normalisation the conformance tier allows between them.

/** One difference: where (a FHIRPath-like path, `Task.input[0].type`) and what. */
export interface Difference {
  readonly path: string;
  /** `missing`: in the expected value only; `added`: in the actual only; `changed`: both, unequal. */
  readonly kind: 'missing' | 'added' | 'changed';
  readonly expected?: unknown;
  readonly actual?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The differences between `expected` and `actual`, JSON values, by path from `root`: objects key
 * by key, arrays index by index (an array is ordered in FHIR), primitives by `===`; a key whose
 * value is `undefined` counts as absent. Empty when they are equal.
 */
export function deepDiff(expected: unknown, actual: unknown, root = ''): Difference[] {
  const differences: Difference[] = [];
  const visit = (a: unknown, b: unknown, path: string): void => {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
        const at = `${path}[${i}]`;
        if (i >= b.length) differences.push({ path: at, kind: 'missing', expected: a[i] });
        else if (i >= a.length) differences.push({ path: at, kind: 'added', actual: b[i] });
        else visit(a[i], b[i], at);
      }
      return;
    }
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys) {
        const at = path === '' ? key : `${path}.${key}`;
        if (b[key] === undefined && a[key] !== undefined)
          differences.push({ path: at, kind: 'missing', expected: a[key] });
        else if (a[key] === undefined && b[key] !== undefined)
          differences.push({ path: at, kind: 'added', actual: b[key] });
        else if (a[key] !== undefined) visit(a[key], b[key], at);
      }
      return;
    }
    if (a !== b) differences.push({ path, kind: 'changed', expected: a, actual: b });
  };
  visit(expected, actual, root);
  return differences;
}

/** One line per difference, for a failing test's message. */
export function describeDifferences(differences: readonly Difference[]): string {
  return differences
    .map((d) => {
      // JSON.stringify(undefined) is undefined, whatever its type says.
      const value = (v: unknown) => ((JSON.stringify(v) as string | undefined) ?? 'undefined').slice(0, 160);
      switch (d.kind) {
        case 'missing':
          return `${d.path}: missing (sent ${value(d.expected)})`;
        case 'added':
          return `${d.path}: added ${value(d.actual)}`;
        case 'changed':
          return `${d.path}: sent ${value(d.expected)}, read ${value(d.actual)}`;
      }
    })
    .join('\n');
}

/** The base of the extensions the server may add (carenet's own StructureDefinitions). */
export const SERVER_EXTENSION_BASE = 'https://carenet.example.org/fhir/StructureDefinition/';

/** The resource type of a literal reference (`Patient/x`, `https://…/Patient/x`, `…/_history/n`). */
function typeOfLiteral(reference: string): string | undefined {
  return /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(
    reference,
  )?.[1];
}

/**
 * The elements the server fills when a body has none (when it has one, it must be kept as sent),
 * as paths from the resource (`a[].b`: `b` of each item of `a`): when the Task was authored and
 * last changed, its priority (`routine`, R4's meaning of an absent priority) and its requester
 * (the acting party); when the CarePlan was created, and its author (the acting party); the id of
 * a CareTeam participant (its membership id) and when its membership starts.
 */
export const SERVER_FILLED: Readonly<Record<string, readonly string[]>> = {
  Task: ['authoredOn', 'lastModified', 'priority', 'requester'],
  CarePlan: ['created', 'author'],
  CareTeam: ['participant[].id', 'participant[].period', 'participant[].period.start'],
};

/** Removes from `read` (in place) the element at `path` when `sent` has none there. */
function dropFilled(sent: unknown, read: unknown, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined || !isObject(read)) return;
  const key = head.endsWith('[]') ? head.slice(0, -2) : head;
  const counterpart = isObject(sent) ? sent[key] : undefined;
  if (rest.length === 0) {
    if (counterpart === undefined) Reflect.deleteProperty(read, key);
    return;
  }
  const value = read[key];
  if (head.endsWith('[]') && Array.isArray(value))
    value.forEach((item, i) => {
      dropFilled(Array.isArray(counterpart) ? counterpart[i] : undefined, item, rest);
    });
  else if (!head.endsWith('[]')) dropFilled(counterpart, value, rest);
}

/**
 * The resource read back, normalised towards what was sent, with only what the round trip allows
 * the server to change (test/conformance/README.md lists it):
 *  1. `id` and `meta` of the resource: taken from what was sent (absent when it had none);
 *  2. extensions under SERVER_EXTENSION_BASE that the server added (not deep-equal to an extension
 *     sent at the same place) are left out (and an `extension` list that only held them);
 *  3. `Reference.type` that the server added to a reference sent without one: when the reference
 *     has an `identifier` (any type), or a literal `reference` whose type it is;
 *  4. the elements of SERVER_FILLED, when the body had none.
 * Everything else must be equal element by element (`deepDiff`).
 */
export function normaliseReadBack(
  sent: Record<string, unknown>,
  read: Record<string, unknown>,
): Record<string, unknown> {
  const normalise = (s: unknown, r: unknown): unknown => {
    if (Array.isArray(r)) return r.map((item, i) => normalise(Array.isArray(s) ? s[i] : undefined, item));
    if (!isObject(r)) return r;
    const sentObject = isObject(s) ? s : {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(r)) {
      if (key === 'extension' && Array.isArray(value)) {
        const sentExtensions = Array.isArray(sentObject.extension) ? sentObject.extension : [];
        const kept = value.filter(
          (extension) =>
            !(
              isObject(extension) &&
              typeof extension.url === 'string' &&
              extension.url.startsWith(SERVER_EXTENSION_BASE) &&
              !sentExtensions.some((candidate) => deepDiff(candidate, extension).length === 0)
            ),
        );
        // Matched against what was sent by position among the extensions kept.
        if (kept.length > 0 || sentObject.extension !== undefined)
          out[key] = normalise(sentObject.extension, kept);
        continue;
      }
      if (key === 'type' && sentObject.type === undefined && typeof value === 'string') {
        const literal = typeof r.reference === 'string' ? typeOfLiteral(r.reference) : undefined;
        if (isObject(r.identifier) || (literal !== undefined && literal === value)) continue;
      }
      out[key] = normalise(sentObject[key], value);
    }
    return out;
  };
  const { id: _id, meta: _meta, ...rest } = normalise(sent, read) as Record<string, unknown>;
  for (const path of SERVER_FILLED[String(read.resourceType)] ?? []) dropFilled(sent, rest, path.split('.'));
  return {
    ...(sent.id !== undefined && { id: sent.id }),
    ...(sent.meta !== undefined && { meta: sent.meta }),
    ...rest,
  };
}

/** The differences of a round trip: `deepDiff(sent, normaliseReadBack(sent, read))`, paths from the type. */
export function roundTripDifferences(
  sent: Record<string, unknown>,
  read: Record<string, unknown>,
): Difference[] {
  const root = typeof sent.resourceType === 'string' ? sent.resourceType : '';
  const { resourceType: _sentType, ...expected } = sent;
  const { resourceType: readType, ...actual } = normaliseReadBack(sent, read);
  const differences = deepDiff(expected, actual, root);
  return readType === sent.resourceType
    ? differences
    : [
        { path: `${root}.resourceType`, kind: 'changed', expected: sent.resourceType, actual: readType },
        ...differences,
      ];
}
