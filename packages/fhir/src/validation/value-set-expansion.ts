import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude } from 'fhir/r4.js';

/**
 * The codes of a ValueSet, by canonical URL (a `|version` suffix is ignored), or `undefined`
 * when it cannot be expanded from the FHIR-defined terminology alone: a filter, a code system
 * that is not shipped complete (MIME types, currencies, v3 code systems…).
 */
export type ValueSetExpander = (canonical: string) => readonly string[] | undefined;

const withoutVersion = (canonical: string) => canonical.split('|')[0] ?? canonical;

function conceptCodes(concepts: readonly CodeSystemConcept[] | undefined, into: string[]): string[] {
  for (const concept of concepts ?? []) {
    into.push(concept.code);
    conceptCodes(concept.concept, into);
  }
  return into;
}

export function valueSetExpander(resources: readonly (ValueSet | CodeSystem)[]): ValueSetExpander {
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const resource of resources) {
    if (resource.url === undefined) continue;
    if (resource.resourceType === 'ValueSet') valueSets.set(resource.url, resource);
    else codeSystems.set(resource.url, resource);
  }
  const expanded = new Map<string, readonly string[] | undefined>();

  const systemCodes = (system: string): string[] | undefined => {
    const codeSystem = codeSystems.get(system);
    return codeSystem?.content === 'complete' ? conceptCodes(codeSystem.concept, []) : undefined;
  };

  // One include or exclude: listed concepts, a whole code system, or other value sets.
  const componentCodes = (
    component: ValueSetComposeInclude,
    seen: ReadonlySet<string>,
  ): string[] | undefined => {
    if (component.filter !== undefined && component.filter.length > 0) return undefined;
    if (component.valueSet !== undefined && component.valueSet.length > 0) {
      if (component.system !== undefined) return undefined;
      const codes: string[] = [];
      for (const url of component.valueSet) {
        const nested = expand(withoutVersion(url), seen);
        if (nested === undefined) return undefined;
        codes.push(...nested);
      }
      return codes;
    }
    if (component.concept !== undefined) return component.concept.map((concept) => concept.code);
    return component.system === undefined ? undefined : systemCodes(component.system);
  };

  const expand = (url: string, seen: ReadonlySet<string>): readonly string[] | undefined => {
    if (expanded.has(url)) return expanded.get(url);
    const valueSet = valueSets.get(url);
    if (valueSet?.compose === undefined || seen.has(url)) return undefined;
    const inner = new Set([...seen, url]);
    const codes = new Set<string>();
    let complete = true;
    for (const include of valueSet.compose.include) {
      const included = componentCodes(include, inner);
      if (included === undefined) complete = false;
      else for (const code of included) codes.add(code);
    }
    for (const exclude of valueSet.compose.exclude ?? []) {
      const excluded = componentCodes(exclude, inner);
      if (excluded === undefined) complete = false;
      else for (const code of excluded) codes.delete(code);
    }
    const result = complete && codes.size > 0 ? [...codes] : undefined;
    expanded.set(url, result);
    return result;
  };

  return (canonical) => expand(withoutVersion(canonical), new Set());
}
