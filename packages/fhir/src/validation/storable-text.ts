import { childExpression } from './fhirpath-expression.js';

/**
 * A NUL, or a UTF-16 surrogate without its pair: JSON.parse takes both (`"\u0000"`, `"\ud800"`),
 * but neither is a Unicode character PostgreSQL can store (its `json`/`jsonb` and `text` refuse
 * them), nor one FHIR's `string` allows. With the `u` flag a well-formed pair is one code point and
 * does not match.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000\uD800-\uDFFF]/u;

/** Why a text cannot be stored, or `undefined` when it can. */
export function unstorableCharacterIn(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return code === 0
    ? 'contains a NUL character (U+0000)'
    : `contains a lone UTF-16 surrogate (U+${code.toString(16).toUpperCase()}), which is not a Unicode character`;
}

/** Where a JSON value holds an unstorable text (a string or a property name), and why. */
export interface UnstorableText {
  /** FHIRPath of the element (`Task.input[0].valueString`), from `root`. */
  readonly expression: string;
  readonly reason: string;
}

/**
 * The first string or property name of a parsed JSON value that PostgreSQL cannot store (see
 * `unstorableCharacterIn`). Recursive: call it on documents whose nesting depth is bounded.
 */
export function findUnstorableText(value: unknown, root: string): UnstorableText | undefined {
  if (typeof value === 'string') {
    const reason = unstorableCharacterIn(value);
    return reason === undefined ? undefined : { expression: root, reason };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i] as unknown, `${root}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const inKey = unstorableCharacterIn(key);
    if (inKey !== undefined) return { expression: root, reason: `has a property name that ${inKey}` };
    const found = findUnstorableText(item, childExpression(root, key));
    if (found) return found;
  }
  return undefined;
}
