import type { TokenMatch } from './search-request.js';
import { quoteForMessage, splitUnescaped, unescapeValue } from './search-value-syntax.js';
import { invalid, valid, type ValueResult } from './value-result.js';

/** One token value (escapes still in): `code`, `system|code`, `|code`, `system|`. */
export function parseTokenMatch(raw: string): ValueResult<TokenMatch> {
  const parts = splitUnescaped(raw, '|');
  if (parts.length === 1) {
    const code = unescapeValue(parts[0] ?? '');
    return code.length > 0 ? valid({ kind: 'code', code }) : invalid('empty token');
  }
  if (parts.length > 2) {
    return invalid(`${quoteForMessage(raw)} has more than one "|" (write a literal | as \\|)`);
  }
  const system = unescapeValue(parts[0] ?? '');
  const code = unescapeValue(parts[1] ?? '');
  if (system.length === 0 && code.length === 0) return invalid('"|" alone is not a token (system|code)');
  if (system.length === 0) return valid({ kind: 'no-system', code });
  if (code.length === 0) return valid({ kind: 'system', system });
  return valid({ kind: 'system-and-code', system, code });
}
