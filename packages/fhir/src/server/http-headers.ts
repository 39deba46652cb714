import { badRequest } from '../outcomes.js';

/** `W/"3"` for version 3. */
export function etagOf(versionId: string): string {
  return `W/"${versionId}"`;
}

/** The version named by an `If-Match` / ETag value (`W/"3"`, `"3"` or `3`). */
export function versionFromEtag(value: string): string {
  const match = /^(?:W\/)?"?([A-Za-z0-9.-]{1,64})"?$/.exec(value.trim());
  if (!match?.[1])
    throw badRequest(`malformed If-Match header "${value.slice(0, 80)}": expected W/"<versionId>"`);
  return match[1];
}

/** RFC 7231 HTTP date of an ISO instant. */
export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

export type PreferReturn = 'minimal' | 'representation' | 'OperationOutcome';

export interface Prefer {
  readonly return: PreferReturn;
  /** `lenient` unless the client sends `handling=strict` (R4: unknown search parameters are ignored by default). */
  readonly handling: 'strict' | 'lenient';
}

/** `Prefer: return=minimal|representation|OperationOutcome, handling=strict|lenient`. */
export function parsePrefer(header: string | undefined): Prefer {
  let preferReturn: PreferReturn = 'representation';
  let handling: Prefer['handling'] = 'lenient';
  for (const part of (header ?? '').split(/[,;]/)) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (
      name === 'return' &&
      (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')
    ) {
      preferReturn = value;
    }
    if (name === 'handling' && (value === 'strict' || value === 'lenient')) handling = value;
  }
  return { return: preferReturn, handling };
}
