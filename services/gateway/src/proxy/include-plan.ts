import { badRequest, SearchParameterRegistry } from '@carenet/fhir';

/** One `_include` or `_revinclude` the gateway resolves itself, across services. */
export interface CrossServiceInclude {
  /** `_include` or `_revinclude` (never `:iterate`: refused across services). */
  readonly parameter: '_include' | '_revinclude';
  /** As the client wrote it: `Task:based-on`. */
  readonly value: string;
  /** The type whose reference parameter it follows (`Task`), and the parameter (`based-on`). */
  readonly sourceType: string;
  readonly code: string;
  /**
   * `_include`: the target types of other services whose referenced resources are fetched from
   * their owner. `_revinclude`: the searched type.
   */
  readonly targetTypes: readonly string[];
}

/** What the gateway does with the include parameters of a search. */
export interface IncludePlan {
  /** The search as sent to the owner: without the parameters the gateway resolves. */
  readonly forwarded: URLSearchParams;
  /**
   * The parameters the gateway resolves, as given: put back in the Bundle's links (self, next,
   * previous) so that following them through the gateway includes again.
   */
  readonly restored: URLSearchParams;
  readonly includes: readonly CrossServiceInclude[];
}

const INCLUDE_NAME = /^_(rev)?include(:iterate|:recurse)?$/;

/** The standard R4 search parameters (their types and targets), for any resource type. */
const standard = SearchParameterRegistry.r4({ supported: {} });

/**
 * Splits the include parameters of a search of `type` (owned by `routes.get(type)`) into those its
 * owner resolves (kept in the search) and those that cross to another service's types, resolved by
 * the gateway:
 *
 * - `_revinclude=Source:param` whose Source another service owns (`CarePlan?_revinclude=Task:based-on`);
 * - `_include=Type:param[:Target]` whose targets (the one given, or every target type the
 *   parameter may point to) include types of another service (`Task?_include=Task:based-on`): those
 *   targets are fetched by the gateway; the parameter stays in the search too when it may also point
 *   to the owner's own types and no target is given.
 *
 * Anything the gateway cannot tell (a malformed value, an unknown parameter) stays for the owner
 * to answer. `:iterate` across services is a 400 naming the parameter. Undefined: nothing crosses.
 */
export function planCrossServiceIncludes(
  type: string,
  query: URLSearchParams,
  routes: ReadonlyMap<string, string>,
): IncludePlan | undefined {
  const owner = routes.get(type);
  if (owner === undefined) return undefined;
  const names = [...new Set(query.keys())];
  if (!names.some((name) => INCLUDE_NAME.test(name))) return undefined;
  const forwarded = new URLSearchParams();
  const restored = new URLSearchParams();
  const includes: CrossServiceInclude[] = [];
  for (const [name, value] of query) {
    const match = INCLUDE_NAME.exec(name);
    const [sourceType = '', code = '', target] = value.split(':');
    const parameter = match ? standard.standardParameter(sourceType, code) : undefined;
    if (match === null || parameter?.type !== 'reference' || value.split(':').length > 3) {
      forwarded.append(name, value);
      continue;
    }
    const reverse = match[1] !== undefined;
    const iterate = match[2] !== undefined;
    const sourceOwner = routes.get(sourceType);
    const targets = target !== undefined ? [target] : parameter.targets;
    const foreignTargets = targets.filter((t) => {
      const service = routes.get(t);
      return service !== undefined && service !== owner;
    });
    const crosses = reverse
      ? sourceOwner !== undefined && sourceOwner !== owner
      : foreignTargets.length > 0 || (iterate && sourceOwner !== undefined && sourceOwner !== owner);
    if (!crosses || (!reverse && !iterate && sourceType !== type)) {
      forwarded.append(name, value);
      continue;
    }
    if (iterate) {
      throw badRequest(
        `${name}=${value.slice(0, 100)} would follow references across services (${owner} and ` +
          `${sourceOwner !== owner ? String(sourceOwner) : foreignTargets.map((t) => routes.get(t)).join(', ')}): ` +
          'the gateway resolves _include and _revinclude across services for one level only, not :iterate',
        [name],
      );
    }
    if (reverse && target !== undefined && target !== type) {
      throw badRequest(`_revinclude: ${sourceType}:${code}:${target} does not point to ${type}`, [name]);
    }
    if (reverse && parameter.targets.length > 0 && !parameter.targets.includes(type)) {
      throw badRequest(`_revinclude: ${sourceType}:${code} does not point to ${type}`, [name]);
    }
    restored.append(name, value);
    includes.push({
      parameter: reverse ? '_revinclude' : '_include',
      value,
      sourceType,
      code,
      targetTypes: reverse ? [type] : foreignTargets,
    });
    // The owner still includes its own types when the parameter may point to them too.
    if (!reverse && target === undefined && targets.some((t) => routes.get(t) === owner)) {
      forwarded.append(name, value);
    }
  }
  return includes.length === 0 ? undefined : { forwarded, restored, includes };
}
