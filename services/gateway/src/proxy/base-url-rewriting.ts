import { Transform, type TransformCallback } from 'node:stream';

/**
 * The service's own base URLs, as the gateway knows them (`http://127.0.0.1:8081/fhir`, one per
 * replica: `http://tasks-1:8080/fhir`, `http://tasks-2:8080/fhir`), become the gateway's public
 * base in what the service answers, whichever replica answered. A service started with
 * `CARENET_PUBLIC_BASE_URL` set to the gateway's base writes the public base itself: then nothing
 * matches and everything passes through as it is.
 *
 * A URL is the service's when it is one of its bases, or one followed by `/`, `?` or `#`
 * (`http://h/fhir` is not a prefix of `http://h/fhirx`).
 */
const FOLLOWERS: ReadonlySet<number> = new Set(['/', '?', '#', '"'].map((c) => c.charCodeAt(0)));

/** The bases to look for: each once, none equal to the public base, the longest first. */
function basesToRewrite(from: string | readonly string[], to: string): string[] {
  const bases = new Set(typeof from === 'string' ? [from] : from);
  return [...bases].filter((base) => base !== '' && base !== to).sort((a, b) => b.length - a.length);
}

/** The longest common beginning of `texts` (at least `"`: every needle opens a JSON string). */
function commonPrefix(texts: readonly string[]): string {
  let prefix = texts[0] ?? '';
  for (const text of texts) {
    let length = 0;
    while (length < prefix.length && length < text.length && prefix[length] === text[length]) length++;
    prefix = prefix.slice(0, length);
  }
  return prefix;
}

/** The header value (Location, Content-Location) with the service's base (any of them) replaced by `to`. */
export function rewriteBaseUrl(value: string, from: string | readonly string[], to: string): string {
  for (const base of basesToRewrite(from, to)) {
    if (!value.startsWith(base)) continue;
    const next = value.charAt(base.length);
    if (next === '' || (next !== '"' && FOLLOWERS.has(next.charCodeAt(0)))) {
      return `${to}${value.slice(base.length)}`;
    }
  }
  return value;
}

/**
 * JSON text with every string value that begins with one of the service's base URLs rewritten to
 * `to`: the links of a Bundle, its entries' `fullUrl`, a transaction's `response.location`, and
 * absolute references the service wrote against its own base. Strings are found by their opening
 * quote (`"http://…`): JSON never escapes `/`, and base URLs hold no character JSON escapes.
 */
export function rewriteBaseInJson(json: string, from: string | readonly string[], to: string): string {
  const bases = basesToRewrite(from, to);
  if (!bases.some((base) => json.includes(base))) return json;
  const needles = bases.map((base) => `"${base}`);
  const prefix = commonPrefix(needles);
  let out = '';
  let position = 0;
  for (let at = json.indexOf(prefix); at >= 0; at = json.indexOf(prefix, Math.max(at + 1, position))) {
    const needle = needles.find(
      (n) => json.startsWith(n, at) && FOLLOWERS.has(json.charCodeAt(at + n.length)),
    );
    if (needle === undefined) continue;
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
  /** `"<base>` of each base, the longest first. */
  private readonly needles: readonly Buffer[];
  /** What every needle begins with: where to look. */
  private readonly prefix: Buffer;
  /** The longest needle's length: an occurrence is decided once that many bytes and one more are here. */
  private readonly longest: number;
  private readonly replacement: Buffer;
  private pending: Buffer = Buffer.alloc(0);

  constructor(from: string | readonly string[], to: string) {
    super();
    const needles = basesToRewrite(from, to).map((base) => `"${base}`);
    this.needles = needles.map((needle) => Buffer.from(needle));
    this.prefix = Buffer.from(commonPrefix(needles));
    this.longest = Math.max(0, ...this.needles.map((needle) => needle.length));
    this.replacement = Buffer.from(`"${to}`);
  }

  /** The needle found at `at`, followed by a byte that ends a base, if any. */
  private needleAt(buffer: Buffer, at: number): Buffer | undefined {
    return this.needles.find(
      (needle) =>
        buffer.compare(needle, 0, needle.length, at, at + needle.length) === 0 &&
        FOLLOWERS.has(buffer[at + needle.length] ?? 0),
    );
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.needles.length === 0) {
      done(null, chunk);
      return;
    }
    const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let position = 0;
    let undecided = -1;
    for (let at = buffer.indexOf(this.prefix); at >= 0;) {
      // Not enough bytes yet to tell which base this is, if any, and what follows it.
      if (at + this.longest >= buffer.length) {
        undecided = at;
        break;
      }
      const needle = this.needleAt(buffer, at);
      if (needle === undefined) {
        at = buffer.indexOf(this.prefix, at + 1);
        continue;
      }
      if (at > position) this.push(buffer.subarray(position, at));
      this.push(this.replacement);
      position = at + needle.length;
      at = buffer.indexOf(this.prefix, position);
    }
    // What could still be the start of an occurrence waits for the next chunk.
    const keepFrom = undecided >= 0 ? undecided : Math.max(position, buffer.length - this.longest);
    if (keepFrom > position) this.push(buffer.subarray(position, keepFrom));
    this.pending = Buffer.from(buffer.subarray(keepFrom));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pending.length > 0) this.push(this.pending);
    done();
  }
}
