import type { SearchParameter } from 'fhir/r4.js';
import { isDomainResourceType, isR4ResourceType, R4_RESOURCE_TYPES } from './r4-model.js';
import { r4SearchParameters } from './r4-search-parameters.js';
import { narrowExpression, needsServer, rewriteResolve } from './search-expression.js';
import {
  isSearchParamType,
  type NotIndexableReason,
  R4_MODIFIERS,
  SEARCH_PREFIXES,
  type SearchParameterDefinition,
  type SearchParamType,
} from './search-parameter-definition.js';

/** Parameters every supported type has, whatever is declared: the resource table holds them. */
export const ALWAYS_SUPPORTED = ['_id', '_lastUpdated'] as const;

export type SearchRegistryErrorReason = 'unknown-resource-type' | 'unknown-parameter' | 'not-indexable';

/** A configuration error: the server declared something R4 or this implementation cannot do. */
export class SearchRegistryError extends Error {
  constructor(
    readonly reason: SearchRegistryErrorReason,
    readonly resourceType: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SearchRegistryError';
  }
}

export interface SearchParameterRegistryOptions {
  /**
   * Per resource type, the codes of the standard R4 parameters the server really indexes, or
   * `'all'` for every indexable one. `_id` and `_lastUpdated` are always supported.
   */
  readonly supported: Readonly<Record<string, readonly string[] | 'all'>>;
}

/** The shape CapabilityStatement.rest.resource.searchParam takes. */
export interface CapabilitySearchParam {
  readonly name: string;
  readonly type: SearchParamType;
  readonly definition: string;
  readonly documentation?: string;
}

function notIndexable(type: SearchParamType, expression: string | undefined): NotIndexableReason | undefined {
  if (type === 'composite') return 'composite';
  if (type === 'special') return 'special';
  if (expression === undefined) return 'no-expression';
  if (needsServer(expression)) return 'unresolvable-expression';
  return undefined;
}

function definitionFor(sp: SearchParameter, resourceType: string): SearchParameterDefinition | undefined {
  const type = sp.type;
  if (!isSearchParamType(type)) return undefined;
  let expression: string | undefined;
  if (sp.expression !== undefined) {
    const narrowed = narrowExpression(sp.expression, resourceType, sp.base);
    if (narrowed === undefined) return undefined;
    expression = rewriteResolve(narrowed);
  }
  const reason = notIndexable(type, expression);
  const description: unknown = sp.description;
  const hasComparators = type === 'number' || type === 'date' || type === 'quantity';
  return Object.freeze({
    resourceType,
    code: sp.code,
    type,
    ...(expression !== undefined && { expression }),
    ...(sp.expression !== undefined && { definitionExpression: sp.expression }),
    url: sp.url,
    id: sp.id ?? sp.code,
    base: Object.freeze([...sp.base]),
    targets: Object.freeze(type === 'reference' ? [...(sp.target ?? [])] : []),
    modifiers: R4_MODIFIERS[type],
    comparators: hasComparators ? SEARCH_PREFIXES : [],
    ...(typeof description === 'string' && { description }),
    ...(reason !== undefined && { notIndexable: reason }),
  });
}

/** Every standard R4 parameter, per concrete resource type, narrowed; built once. */
let standardCache: ReadonlyMap<string, ReadonlyMap<string, SearchParameterDefinition>> | undefined;

function standardParameters(): ReadonlyMap<string, ReadonlyMap<string, SearchParameterDefinition>> {
  if (standardCache) return standardCache;
  const byType = new Map<string, Map<string, SearchParameterDefinition>>();
  for (const t of R4_RESOURCE_TYPES) byType.set(t, new Map());
  for (const sp of r4SearchParameters()) {
    const types = new Set<string>();
    for (const b of sp.base) {
      if (b === 'Resource') R4_RESOURCE_TYPES.forEach((t) => types.add(t));
      else if (b === 'DomainResource')
        R4_RESOURCE_TYPES.filter(isDomainResourceType).forEach((t) => types.add(t));
      else if (isR4ResourceType(b)) types.add(b);
    }
    for (const t of types) {
      const def = definitionFor(sp, t);
      const params = byType.get(t);
      if (def && params && !params.has(def.code)) params.set(def.code, def);
    }
  }
  const sorted = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();
  for (const [t, params] of byType) {
    sorted.set(t, new Map([...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  }
  standardCache = sorted;
  return sorted;
}

/**
 * The search parameters of the resource types a server serves: all the standard R4 ones of any
 * type (to tell "unknown" from "not supported here"), and the ones the server declares it indexes.
 */
export class SearchParameterRegistry {
  private readonly supportedByType: ReadonlyMap<string, ReadonlyMap<string, SearchParameterDefinition>>;

  private constructor(supported: ReadonlyMap<string, ReadonlyMap<string, SearchParameterDefinition>>) {
    this.supportedByType = supported;
  }

  /** From the official R4 definitions; throws SearchRegistryError on anything that cannot be supported. */
  static r4(options: SearchParameterRegistryOptions): SearchParameterRegistry {
    const all = standardParameters();
    const supported = new Map<string, ReadonlyMap<string, SearchParameterDefinition>>();
    for (const [resourceType, declared] of Object.entries(options.supported)) {
      const standard = all.get(resourceType);
      if (!standard) {
        throw new SearchRegistryError(
          'unknown-resource-type',
          resourceType,
          undefined,
          `${resourceType} is not an R4 resource type`,
        );
      }
      const codes =
        declared === 'all'
          ? [...standard.values()].filter((p) => p.notIndexable === undefined).map((p) => p.code)
          : declared;
      const params = new Map<string, SearchParameterDefinition>();
      for (const code of [...ALWAYS_SUPPORTED, ...codes]) {
        const def = standard.get(code);
        if (!def) {
          throw new SearchRegistryError(
            'unknown-parameter',
            resourceType,
            code,
            `${resourceType} has no R4 search parameter "${code}"`,
          );
        }
        if (def.notIndexable !== undefined) {
          throw new SearchRegistryError(
            'not-indexable',
            resourceType,
            code,
            `${resourceType}.${code} cannot be indexed (${def.notIndexable})`,
          );
        }
        params.set(code, def);
      }
      supported.set(
        resourceType,
        new Map([...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      );
    }
    return new SearchParameterRegistry(supported);
  }

  /** The resource types with declared parameters, sorted. */
  resourceTypes(): readonly string[] {
    return [...this.supportedByType.keys()].sort();
  }

  /** Whether `type` is served (declared) by this registry. */
  isSearchable(type: string): boolean {
    return this.supportedByType.has(type);
  }

  /** Every standard R4 parameter of `type` (any R4 resource type), sorted by code. */
  standardParameters(type: string): readonly SearchParameterDefinition[] {
    return [...(standardParameters().get(type)?.values() ?? [])];
  }

  standardParameter(type: string, code: string): SearchParameterDefinition | undefined {
    return standardParameters().get(type)?.get(code);
  }

  /** The parameters this server indexes for `type`, sorted by code (empty when not served). */
  supportedParameters(type: string): readonly SearchParameterDefinition[] {
    return [...(this.supportedByType.get(type)?.values() ?? [])];
  }

  supportedParameter(type: string, code: string): SearchParameterDefinition | undefined {
    return this.supportedByType.get(type)?.get(code);
  }

  /** For the CapabilityStatement: what `type` really supports. */
  capabilitySearchParams(type: string): readonly CapabilitySearchParam[] {
    return this.supportedParameters(type).map((p) => ({
      name: p.code,
      type: p.type,
      definition: p.url,
      ...(p.description !== undefined && { documentation: p.description }),
    }));
  }

  /** For the CapabilityStatement `searchInclude`: `Type:param` of the supported reference parameters. */
  searchIncludes(type: string): readonly string[] {
    return this.supportedParameters(type)
      .filter((p) => p.type === 'reference')
      .map((p) => `${type}:${p.code}`);
  }

  /** For `searchRevInclude`: `Other:param` of served types whose supported references may point to `type`. */
  searchRevIncludes(type: string): readonly string[] {
    const out: string[] = [];
    for (const [other, params] of this.supportedByType) {
      for (const p of params.values()) {
        if (p.type === 'reference' && p.targets.includes(type)) out.push(`${other}:${p.code}`);
      }
    }
    return out.sort();
  }
}
