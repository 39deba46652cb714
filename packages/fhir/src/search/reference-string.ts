import { isR4ResourceType } from './r4-model.js';

/**
 * Reference strings (`Reference.reference`, search values) in their normal form: `Type/id` when
 * local (also an absolute URL on one of the server's own base URLs), the URL otherwise, with the
 * `/_history/n` version split off.
 */
export type ParsedReferenceString =
  | { readonly kind: 'local'; readonly type: string; readonly id: string; readonly version?: string }
  | {
      readonly kind: 'absolute';
      readonly url: string;
      readonly type?: string;
      readonly id?: string;
      readonly version?: string;
    }
  | { readonly kind: 'contained'; readonly id: string }
  | { readonly kind: 'invalid' };

export const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;
const LOCAL = /^([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9.-]{1,64})(?:\/_history\/([A-Za-z0-9.-]{1,64}))?$/;
const ABSOLUTE_TAIL =
  /^(.*)\/([A-Z][A-Za-z]{1,63})\/([A-Za-z0-9.-]{1,64})(?:\/_history\/([A-Za-z0-9.-]{1,64}))?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Base URLs without their trailing slash. */
export function normalizeBaseUrls(urls: readonly string[] | undefined): readonly string[] {
  return (urls ?? []).map((u) => u.replace(/\/+$/, '')).filter((u) => u.length > 0);
}

function local(type: string, id: string, version: string | undefined): ParsedReferenceString {
  return isR4ResourceType(type)
    ? { kind: 'local', type, id, ...(version !== undefined && { version }) }
    : { kind: 'invalid' };
}

export function parseReferenceString(value: string, localBaseUrls: readonly string[]): ParsedReferenceString {
  if (value.startsWith('#'))
    return value.length > 1 ? { kind: 'contained', id: value.slice(1) } : { kind: 'invalid' };
  const rel = LOCAL.exec(value);
  if (rel) return local(rel[1] ?? '', rel[2] ?? '', rel[3]);
  if (!SCHEME.test(value)) return { kind: 'invalid' };
  for (const base of localBaseUrls) {
    if (value.startsWith(`${base}/`)) {
      const inner = LOCAL.exec(value.slice(base.length + 1));
      if (inner) return local(inner[1] ?? '', inner[2] ?? '', inner[3]);
    }
  }
  const tail = ABSOLUTE_TAIL.exec(value);
  if (tail && /^https?:\/\//i.test(value) && isR4ResourceType(tail[2] ?? '')) {
    const version = tail[4];
    return {
      kind: 'absolute',
      url: `${tail[1] ?? ''}/${tail[2] ?? ''}/${tail[3] ?? ''}`,
      type: tail[2] ?? '',
      id: tail[3] ?? '',
      ...(version !== undefined && { version }),
    };
  }
  return { kind: 'absolute', url: value };
}
