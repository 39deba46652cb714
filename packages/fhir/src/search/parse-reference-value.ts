import { FHIR_ID, parseReferenceString } from './reference-string.js';
import type { SearchParameterDefinition } from './search-parameter-definition.js';
import type { ReferenceMatch } from './search-request.js';
import { quoteForMessage, unescapeValue } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

function targetList(targets: readonly string[]): string {
  return targets.length > 8
    ? `${targets.slice(0, 8).join(', ')}… (${targets.length} types)`
    : targets.join(', ');
}

/**
 * One reference value: `Type/id` (optionally `/_history/v`), `id` when the parameter has one
 * target type (or with the typed modifier `:Type`), or an absolute URL (canonical `url|version`).
 */
export function parseReferenceMatch(
  raw: string,
  definition: SearchParameterDefinition,
  typedModifier: string | undefined,
  localBaseUrls: readonly string[],
): ValueResult<ReferenceMatch> {
  const value = unescapeValue(raw);
  if (value.length === 0) return invalid('empty reference');
  const code = definition.code;
  if (typedModifier !== undefined) {
    if (FHIR_ID.test(value)) return valid({ kind: 'local', type: typedModifier, id: value });
    const parsed = parseReferenceString(value, localBaseUrls);
    if (parsed.kind === 'local' && parsed.type === typedModifier) {
      return valid({
        kind: 'local',
        type: parsed.type,
        id: parsed.id,
        ...(parsed.version !== undefined && { version: parsed.version }),
      });
    }
    return invalid(
      `${code}:${typedModifier} takes an id or ${typedModifier}/id, not ${quoteForMessage(value)}`,
    );
  }
  const parsed = parseReferenceString(value, localBaseUrls);
  switch (parsed.kind) {
    case 'local':
      if (definition.targets.length > 0 && !definition.targets.includes(parsed.type)) {
        return invalid(`${parsed.type} is not a target type of ${code} (${targetList(definition.targets)})`);
      }
      return valid({
        kind: 'local',
        type: parsed.type,
        id: parsed.id,
        ...(parsed.version !== undefined && { version: parsed.version }),
      });
    case 'absolute': {
      const bar = parsed.url.indexOf('|');
      if (bar < 0) return valid({ kind: 'url', url: parsed.url });
      const version = parsed.url.slice(bar + 1);
      return valid({
        kind: 'url',
        url: parsed.url.slice(0, bar),
        ...(version.length > 0 && { version }),
      });
    }
    case 'contained':
      return invalid(`contained references (${quoteForMessage(value)}) cannot be searched`);
    case 'invalid':
      break;
  }
  if (!FHIR_ID.test(value))
    return invalid(`${quoteForMessage(value)} is not a reference (Type/id, id or URL)`);
  const only = definition.targets.length === 1 ? definition.targets[0] : undefined;
  if (only === undefined) {
    return invalid(
      `${code} may point to ${targetList(definition.targets)}: write Type/${value} or use ${code}:Type=${value}`,
    );
  }
  return valid({ kind: 'local', type: only, id: value });
}
