import { Transform, type TransformCallback } from 'node:stream';

/**
 * The service's own base URL, as the gateway knows it (`http://127.0.0.1:8081/fhir`), becomes the
 * gateway's public base in what the service answers. A service started with
 * `CARENET_PUBLIC_BASE_URL` set to the gateway's base writes the public base itself: then nothing
 * matches and everything passes through as it is.
 *
 * A URL is the service's when it is the base, or the base followed by `/`, `?` or `#`
 * (`http://h/fhir` is not a prefix of `http://h/fhirx`).
 */
const FOLLOWERS: ReadonlySet<number> = new Set(['/', '?', '#', '"'].map((c) => c.charCodeAt(0)));

/** The header value (Location, Content-Location) with the service's base replaced by `to`. */
export function rewriteBaseUrl(value: string, from: string, to: string): string {
  if (!value.startsWith(from)) return value;
  const next = value.charAt(from.length);
  return next === '' || (next !== '"' && FOLLOWERS.has(next.charCodeAt(0)))
    ? `${to}${value.slice(from.length)}`
    : value;
}

/**
 * JSON text with every string value that begins with the service's base URL rewritten to `to`:
 * the links of a Bundle, its entries' `fullUrl`, a transaction's `response.location`, and
 * absolute references the service wrote against its own base. Strings are found by their opening
 * quote (`"http://…`): JSON never escapes `/`, and base URLs hold no character JSON escapes.
 */
export function rewriteBaseInJson(json: string, from: string, to: string): string {
  if (from === to || !json.includes(from)) return json;
  const needle = `"${from}`;
  let out = '';
  let position = 0;
  for (let at = json.indexOf(needle); at >= 0; at = json.indexOf(needle, at + 1)) {
    const next = json.charCodeAt(at + needle.length);
    if (!FOLLOWERS.has(next)) continue;
    out += `${json.slice(position, at)}"${to}`;
    position = at + needle.length;
  }
  return out + json.slice(position);
}

/**
 * The streaming form of `rewriteBaseInJson`, for bodies passed through without being read whole:
 * chunks go on as they come, but for the few bytes at a chunk's end that could begin an occurrence
 * split across two chunks.
 */
export class BaseUrlRewriter extends Transform {
  private readonly needle: Buffer;
  private readonly replacement: Buffer;
  private pending: Buffer = Buffer.alloc(0);

  constructor(from: string, to: string) {
    super();
    this.needle = Buffer.from(`"${from}`);
    this.replacement = Buffer.from(`"${to}`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const { needle } = this;
    let position = 0;
    let at = buffer.indexOf(needle);
    // Occurrences whose next byte is known: rewritten (or not) now.
    while (at >= 0 && at + needle.length < buffer.length) {
      const next = buffer[at + needle.length] ?? 0;
      if (FOLLOWERS.has(next)) {
        if (at > position) this.push(buffer.subarray(position, at));
        this.push(this.replacement);
        position = at + needle.length;
        at = buffer.indexOf(needle, position);
      } else {
        at = buffer.indexOf(needle, at + 1);
      }
    }
    // What could still be the start of an occurrence waits for the next chunk.
    const keepFrom = at >= 0 ? at : Math.max(position, buffer.length - needle.length);
    if (keepFrom > position) this.push(buffer.subarray(position, keepFrom));
    this.pending = Buffer.from(buffer.subarray(keepFrom));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) this.push(this.pending);
    done();
  }
}
