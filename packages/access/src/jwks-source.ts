import { readFile, stat } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type CryptoKey,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';

/**
 * Where the verification keys come from: a JWKS URL (the issuer's `jwks_uri`), a JWKS file, or keys
 * held in memory (tests, the dev issuer). Each is a jose key resolver (usable as the `getKey` of
 * `jwtVerify`) that follows key rotation: a token whose `kid` is not in the set makes it look again.
 */
export type KeyResolver = (
  protectedHeader: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

/**
 * The key set cannot be had (JWKS URL unreachable, file unreadable): the server's problem, not the
 * caller's, so it is no 401; the edge answers it with a 500 and logs the cause.
 */
export class KeySetUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KeySetUnavailableError';
  }
}

/** Errors that say something about the token's key, not about the key source. */
const TOKEN_KEY_ERRORS: ReadonlySet<string> = new Set([
  errors.JWKSNoMatchingKey.code,
  errors.JWKSMultipleMatchingKeys.code,
  errors.JOSENotSupported.code,
]);

const isTokenKeyError = (error: unknown) =>
  error instanceof errors.JOSEError && TOKEN_KEY_ERRORS.has(error.code);

/** Keys held in memory. */
export function jwksFromKeys(jwks: JSONWebKeySet): KeyResolver {
  const set = createLocalJWKSet(jwks);
  return (header, token) => set(header, token);
}

export interface JwksUrlOptions {
  /** How long a fetched set is used before it is fetched again (ms; default 10 minutes). */
  readonly cacheMaxAgeMs?: number;
  /** The least time between two fetches caused by unknown kids (ms; default 30 s): a flood of bad kids cannot hammer the issuer. */
  readonly cooldownMs?: number;
  /** Fetch timeout (ms; default 5 s). */
  readonly timeoutMs?: number;
}

/**
 * A JWKS served over HTTP(S), cached: fetched again when older than `cacheMaxAgeMs`, or when a token
 * names a kid the cached set lacks (once per `cooldownMs`), so a rotated issuer key is picked up
 * without restart and a removed one stops verifying when the cache expires.
 */
export function jwksFromUrl(url: string | URL, options: JwksUrlOptions = {}): KeyResolver {
  const set = createRemoteJWKSet(new URL(url), {
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return async (header, token) => {
    try {
      return await set(header, token);
    } catch (error) {
      if (isTokenKeyError(error)) throw error;
      throw new KeySetUnavailableError(
        `the JWKS at ${String(url)} could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };
}

export interface JwksFileOptions {
  /**
   * The least time between two looks at the file (ms; default 1000): its mtime is checked at most
   * this often, and an unknown kid re-reads it at most this often.
   */
  readonly recheckIntervalMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

interface FileState {
  readonly set: (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;
  /** mtime, size and inode: a rewrite in place or a rename over the file both change it. */
  readonly version: string;
  readonly loadedAt: number;
  checkedAt: number;
}

/**
 * A JWKS JSON file, read once and cached; read again when it changed (mtime, size or inode, checked
 * at most once per `recheckIntervalMs`) or when a token names an unknown kid (at most as often), so
 * rotating the file works without restart. A re-read that fails (a file caught mid-write) keeps the
 * previous set; only a first read that fails is an error.
 */
export function jwksFromFile(path: string, options: JwksFileOptions = {}): KeyResolver {
  const interval = options.recheckIntervalMs ?? 1_000;
  const now = options.now ?? Date.now;
  let state: FileState | undefined;
  let pending: Promise<FileState> | undefined;

  const versionOf = async () => {
    const s = await stat(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  };

  const read = async (): Promise<FileState> => {
    try {
      const version = await versionOf();
      const jwks = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
      const set = createLocalJWKSet(jwks);
      const at = now();
      return { set, version, loadedAt: at, checkedAt: at };
    } catch (error) {
      throw new KeySetUnavailableError(
        `the JWKS file ${path} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };

  // One read at a time, shared by the requests that wait for it.
  const reload = async (): Promise<FileState> => {
    pending ??= read()
      .then(
        (fresh) => (state = fresh),
        (error: unknown) => {
          if (state === undefined) throw error;
          state.checkedAt = now();
          return state;
        },
      )
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };

  const current = async (): Promise<FileState> => {
    if (state === undefined) return reload();
    if (now() - state.checkedAt < interval) return state;
    state.checkedAt = now();
    let version: string | undefined;
    try {
      version = await versionOf();
    } catch {
      // The file is gone for a moment (being replaced): keep the keys we have.
      return state;
    }
    return version === state.version ? state : reload();
  };

  return async (header, token) => {
    const known = await current();
    try {
      return await known.set(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - known.loadedAt < interval) throw error;
      const fresh = await reload();
      return fresh.set(header, token);
    }
  };
}

/** A key source as configuration gives it. */
export type JwksSourceConfig =
  | { readonly url: string | URL; readonly options?: JwksUrlOptions }
  | { readonly file: string; readonly options?: JwksFileOptions }
  | { readonly jwks: JSONWebKeySet };

export function jwksSource(config: JwksSourceConfig): KeyResolver {
  if ('url' in config) return jwksFromUrl(config.url, config.options);
  if ('file' in config) return jwksFromFile(config.file, config.options);
  return jwksFromKeys(config.jwks);
}
