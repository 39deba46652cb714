import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { Actor } from './actor.js';
import { actorClaims, parseActor } from './actor-claims.js';
import { jwksFromKeys, type KeyResolver } from './jwks-source.js';
import { ScopeSet } from './smart-scopes.js';

/**
 * The dev issuer: a token issuer for the embedded mode only (`npm start` on a laptop), so that the
 * FHIR API can be called without an identity provider. Its key pair lives under the data directory;
 * anyone who can read it can mint any token, which is why it refuses to open in any other mode.
 */
export const DEV_ISSUER = 'http://localhost:8080/dev-issuer';
export const DEV_AUDIENCE = 'http://localhost:8080/fhir';
export const DEV_ISSUER_ALGORITHM = 'ES256';

/** The files, under `<dataDir>/dev-issuer/`. */
export const DEV_ISSUER_DIRECTORY = 'dev-issuer';
export const DEV_PRIVATE_KEY_FILE = 'private-key.jwk.json';
export const DEV_JWKS_FILE = 'jwks.json';

/** The dev issuer was asked for outside the embedded mode. */
export class DevIssuerRefusedError extends Error {
  constructor(readonly mode: string) {
    super(`the dev issuer exists for the embedded mode only (the mode is "${mode}")`);
    this.name = 'DevIssuerRefusedError';
  }
}

/** The stored key cannot be used (unreadable, not an ES256 private JWK, readable by others). */
export class DevIssuerKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DevIssuerKeyError';
  }
}

/** A token request the dev issuer refuses (invalid actor, scope or lifetime). */
export class DevTokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevTokenRequestError';
  }
}

export interface DevIssuerOptions {
  /** The embedded mode's data directory (`./.carenet` by default at the composition root). */
  readonly dataDir: string;
  /** The running mode (`CARENET_MODE`): anything but `embedded` is refused. */
  readonly mode: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export interface DevTokenRequest {
  readonly actor: Actor;
  /** Space-separated SMART scopes (`user/*.cruds`). */
  readonly scopes: string;
  readonly expiresInSeconds?: number;
  /** The issue time (tests); defaults to the clock. */
  readonly now?: Date;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The key id: the RFC 7638 thumbprint of the public key. */
  readonly keyId: string;
  /** The public key set, as the gateway serves it. */
  jwks(): JSONWebKeySet;
  /** The resolver for `createTokenVerifier`. */
  readonly keys: KeyResolver;
  issueToken(request: DevTokenRequest): Promise<string>;
}

/**
 * Opens the dev issuer: on first use generates an ES256 key pair and stores it under
 * `<dataDir>/dev-issuer/` (private JWK, mode 0600; public JWKS), afterwards reuses it.
 */
export async function openDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  if (options.mode !== 'embedded') throw new DevIssuerRefusedError(options.mode);
  const directory = join(options.dataDir, DEV_ISSUER_DIRECTORY);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const privateJwk = await loadOrCreatePrivateKey(join(directory, DEV_PRIVATE_KEY_FILE));
  const privateKey = await importPrivateKey(privateJwk);
  const { kty, crv, x, y } = privateJwk;
  const publicJwk: JWK = { kty, crv, x, y };
  const keyId = await calculateJwkThumbprint(publicJwk);
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid: keyId, alg: DEV_ISSUER_ALGORITHM, use: 'sig' }] };
  await writePublicJwks(join(directory, DEV_JWKS_FILE), jwks);
  const issuer = options.issuer ?? DEV_ISSUER;
  const audience = options.audience ?? DEV_AUDIENCE;

  return {
    issuer,
    audience,
    keyId,
    jwks: () => structuredClone(jwks),
    keys: jwksFromKeys(jwks),
    async issueToken(request) {
      const parsed = parseActor(request.actor);
      if ('reason' in parsed) throw new DevTokenRequestError(`invalid actor: ${parsed.reason}`);
      const invalid = ScopeSet.parse(request.scopes).invalid;
      if (invalid.length > 0) {
        throw new DevTokenRequestError(
          invalid.map((s) => `invalid scope "${s.raw}": ${s.reason}`).join('; '),
        );
      }
      const lifetime = request.expiresInSeconds ?? 3600;
      if (!Number.isInteger(lifetime) || lifetime <= 0) {
        throw new DevTokenRequestError(`the lifetime must be a positive number of seconds (got ${lifetime})`);
      }
      const issuedAt = Math.floor((request.now ?? new Date()).getTime() / 1000);
      return new SignJWT({ ...actorClaims(parsed.actor), scope: request.scopes.trim() })
        .setProtectedHeader({ alg: DEV_ISSUER_ALGORITHM, kid: keyId, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + lifetime)
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}

/** The stored private key: a P-256 JWK. */
interface PrivateJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d: string;
}

async function loadOrCreatePrivateKey(path: string): Promise<PrivateJwk> {
  const existing = await readPrivateKey(path);
  if (existing) return existing;
  const { privateKey } = await generateKeyPair(DEV_ISSUER_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  // Written aside then linked into place: two processes opening a fresh data directory at once
  // agree on one key (link fails on an existing file), and no reader sees a half-written file.
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  const stored = await readPrivateKey(path);
  if (!stored) throw new DevIssuerKeyError(`the dev issuer key ${path} vanished after it was written`);
  return stored;
}

async function readPrivateKey(path: string): Promise<PrivateJwk | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DevIssuerKeyError(`the dev issuer key ${path} cannot be read`, { cause: error });
  }
  if (process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0) {
    throw new DevIssuerKeyError(
      `the dev issuer key ${path} is readable by others: chmod 600 it (or delete it)`,
    );
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (error) {
    throw new DevIssuerKeyError(`the dev issuer key ${path} is not JSON`, { cause: error });
  }
  const k = jwk as Partial<Record<string, unknown>>;
  if (
    k.kty !== 'EC' ||
    k.crv !== 'P-256' ||
    typeof k.d !== 'string' ||
    typeof k.x !== 'string' ||
    typeof k.y !== 'string'
  ) {
    throw new DevIssuerKeyError(`the dev issuer key ${path} is not a P-256 private JWK`);
  }
  return { kty: k.kty, crv: k.crv, x: k.x, y: k.y, d: k.d };
}

async function importPrivateKey(jwk: PrivateJwk): Promise<CryptoKey> {
  try {
    return await importJWK(jwk, DEV_ISSUER_ALGORITHM);
  } catch (error) {
    throw new DevIssuerKeyError('the dev issuer key cannot be imported', { cause: error });
  }
}

/** The public set, rewritten only when it differs (atomically, so a JWKS-file reader never sees half). */
async function writePublicJwks(path: string, jwks: JSONWebKeySet): Promise<void> {
  const text = `${JSON.stringify(jwks, null, 2)}\n`;
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === text) return;
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temporary, text, { mode: 0o644 });
  await chmod(temporary, 0o644);
  await rename(temporary, path);
}
