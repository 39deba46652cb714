import { normalizeSearchString } from './normalize-search-string.js';
import { parseDateMatch } from './parse-date-value.js';
import { parseNumberMatch, parseQuantityMatch } from './parse-number-value.js';
import { parseReferenceMatch } from './parse-reference-value.js';
import { parseTokenMatch } from './parse-token-value.js';
import { isR4ResourceType } from './r4-model.js';
import {
  IMPLEMENTED_MODIFIERS,
  R4_MODIFIERS,
  type SearchModifier,
  type SearchParameterDefinition,
} from './search-parameter-definition.js';
import type { SearchParameterRegistry } from './search-parameter-registry.js';
import type { SearchClause, SearchCriterion, StringMatch, TokenMatch } from './search-request.js';
import type { SearchErrorCode, SearchRequestError } from './search-request-issues.js';
import { quoteForMessage, splitUnescaped, unescapeValue } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

export interface ClauseContext {
  readonly resourceType: string;
  readonly registry: SearchParameterRegistry;
  readonly now: Date;
  readonly localBaseUrls: readonly string[];
  readonly maxOrValues: number;
}

/** A clause, or an error; `ignorable` errors (unknown or unsupported parameter) are dropped under `handling=lenient`. */
export type ClauseResult =
  | { readonly ok: true; readonly clause: SearchClause }
  | { readonly ok: false; readonly error: SearchRequestError; readonly ignorable: boolean };

/** Parameters R4 defines for every type that this implementation does not do. */
const UNSUPPORTED_SPECIAL = new Set([
  '_has',
  '_list',
  '_type',
  '_filter',
  '_query',
  '_contained',
  '_containedType',
  '_text',
  '_content',
]);

const MODIFIER_NAMES: Readonly<Record<string, SearchModifier>> = {
  missing: 'missing',
  exact: 'exact',
  contains: 'contains',
  text: 'text',
  not: 'not',
  above: 'above',
  below: 'below',
  in: 'in',
  'not-in': 'not-in',
  'of-type': 'of-type',
  identifier: 'identifier',
};

function fail(code: SearchErrorCode, parameter: string, message: string, ignorable = false): ClauseResult {
  return { ok: false, error: { code, parameter, message }, ignorable };
}

function each<T>(pieces: readonly string[], parse: (raw: string) => ValueResult<T>): ValueResult<T[]> {
  const out: T[] = [];
  for (const piece of pieces) {
    const result = parse(piece);
    if (!result.ok) return result;
    out.push(result.value);
  }
  return valid(out);
}

function stringMatch(raw: string): ValueResult<StringMatch> {
  const value = unescapeValue(raw);
  const normalized = normalizeSearchString(value);
  return normalized.length > 0 ? valid({ value, normalized }) : invalid('empty string');
}

function uriValue(raw: string): ValueResult<string> {
  const value = unescapeValue(raw);
  return value.length > 0 ? valid(value) : invalid('empty uri');
}

function tokens(pieces: readonly string[]): ValueResult<TokenMatch[]> {
  return each(pieces, parseTokenMatch);
}

type Modifier =
  | { readonly kind: 'none' }
  | { readonly kind: 'typed'; readonly type: string }
  | { readonly kind: 'modifier'; readonly modifier: SearchModifier };

/** The criterion of a supported parameter, from its modifier and its comma-separated values. */
function criterion(
  definition: SearchParameterDefinition,
  modifier: Modifier,
  chain: string | undefined,
  pieces: readonly string[],
  context: ClauseContext,
): ValueResult<SearchCriterion> {
  const mod = modifier.kind === 'modifier' ? modifier.modifier : undefined;
  if (mod === 'missing') {
    const only = pieces.length === 1 ? pieces[0] : undefined;
    if (only !== 'true' && only !== 'false') return invalid(':missing takes true or false');
    return valid({ kind: 'missing', missing: only === 'true' });
  }
  switch (definition.type) {
    case 'token': {
      if (mod === 'text') {
        const values = each(pieces, stringMatch);
        return values.ok ? valid({ kind: 'token-text', values: values.value }) : values;
      }
      const values = tokens(pieces);
      return values.ok ? valid({ kind: 'token', not: mod === 'not', values: values.value }) : values;
    }
    case 'reference': {
      const typed = modifier.kind === 'typed' ? modifier.type : undefined;
      if (chain !== undefined) {
        const values = tokens(pieces);
        return values.ok
          ? valid({
              kind: 'chained-identifier',
              ...(typed !== undefined && { targetType: typed }),
              values: values.value,
            })
          : values;
      }
      if (mod === 'identifier') {
        const values = tokens(pieces);
        return values.ok ? valid({ kind: 'reference-identifier', values: values.value }) : values;
      }
      const values = each(pieces, (raw) =>
        parseReferenceMatch(raw, definition, typed, context.localBaseUrls),
      );
      return values.ok ? valid({ kind: 'reference', values: values.value }) : values;
    }
    case 'date': {
      const values = each(pieces, (raw) => parseDateMatch(unescapeValue(raw), context.now));
      return values.ok ? valid({ kind: 'date', values: values.value }) : values;
    }
    case 'string': {
      const values = each(pieces, stringMatch);
      const mode = mod === 'exact' ? 'exact' : mod === 'contains' ? 'contains' : 'starts-with';
      return values.ok ? valid({ kind: 'string', mode, values: values.value }) : values;
    }
    case 'number': {
      const values = each(pieces, (raw) => parseNumberMatch(unescapeValue(raw)));
      return values.ok ? valid({ kind: 'number', values: values.value }) : values;
    }
    case 'quantity': {
      const values = each(pieces, parseQuantityMatch);
      return values.ok ? valid({ kind: 'quantity', values: values.value }) : values;
    }
    case 'uri': {
      const values = each(pieces, uriValue);
      const mode = mod === 'below' ? 'below' : mod === 'above' ? 'above' : 'exact';
      return values.ok ? valid({ kind: 'uri', mode, values: values.value }) : values;
    }
    case 'composite':
    case 'special':
      return invalid(`${definition.type} parameters are not supported`);
  }
}

/** One `name=value` of the query that is not a result parameter. `value` is non-empty. */
export function parseSearchClause(name: string, value: string, context: ClauseContext): ClauseResult {
  const { resourceType, registry } = context;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  const chain = dot < 0 ? undefined : name.slice(dot + 1);
  const colon = head.indexOf(':');
  const code = colon < 0 ? head : head.slice(0, colon);
  const modifierText = colon < 0 ? undefined : head.slice(colon + 1);

  const definition = registry.supportedParameter(resourceType, code);
  if (!definition) {
    if (UNSUPPORTED_SPECIAL.has(code) || registry.standardParameter(resourceType, code)) {
      return fail(
        'unsupported-parameter',
        name,
        `${code}: search parameter not supported for ${resourceType}`,
        true,
      );
    }
    return fail(
      'unknown-parameter',
      name,
      `${quoteForMessage(code)}: unknown search parameter for ${resourceType}`,
      true,
    );
  }

  let modifier: Modifier = { kind: 'none' };
  if (modifierText !== undefined) {
    if (definition.type === 'reference' && /^[A-Z]/.test(modifierText)) {
      if (
        !isR4ResourceType(modifierText) ||
        (definition.targets.length > 0 && !definition.targets.includes(modifierText))
      ) {
        return fail('unknown-modifier', name, `:${modifierText} is not a target type of ${code}`);
      }
      modifier = { kind: 'typed', type: modifierText };
    } else {
      const known = Object.hasOwn(MODIFIER_NAMES, modifierText) ? MODIFIER_NAMES[modifierText] : undefined;
      if (known === undefined || !R4_MODIFIERS[definition.type].includes(known)) {
        return fail(
          'unknown-modifier',
          name,
          `${quoteForMessage(`:${modifierText}`)} is not a modifier of ${definition.type} parameter ${code}`,
        );
      }
      if (!IMPLEMENTED_MODIFIERS[definition.type].includes(known)) {
        return fail('unsupported-modifier', name, `:${known} is not supported (on ${code})`);
      }
      modifier = { kind: 'modifier', modifier: known };
    }
  }

  if (chain !== undefined) {
    if (definition.type !== 'reference') {
      return fail(
        'unsupported-chain',
        name,
        `${code} is a ${definition.type} parameter: only references can be chained`,
      );
    }
    if (chain !== 'identifier' || modifier.kind === 'modifier') {
      return fail(
        'unsupported-chain',
        name,
        `${quoteForMessage(name)}: only chaining to identifier is supported (${code}.identifier, ${code}:Type.identifier)`,
      );
    }
  }

  const pieces = splitUnescaped(value, ',');
  if (pieces.length > context.maxOrValues) {
    return fail('too-long', name, `${pieces.length} comma-separated values: at most ${context.maxOrValues}`);
  }
  const result = criterion(definition, modifier, chain, pieces, context);
  if (!result.ok) return fail('invalid-value', name, `${name}: ${result.message}`);
  return { ok: true, clause: { name, parameter: definition, criterion: result.value } };
}
