import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import {
  AccessPrincipal,
  createTokenVerifier,
  jwksFromFile,
  jwksFromUrl,
  KeySetUnavailableError,
  type KeyResolver,
} from '../src/index.js';
import { AUDIENCE, expect401, ISSUER, signToken, testKey, type TestKey } from './support/token-fixtures.js';

let oldKey: TestKey;
let newKey: TestKey;

beforeAll(async () => {
  oldKey = await testKey('old', 'ES256');
  newKey = await testKey('new', 'RS256');
});

const verifierOf = (keys: KeyResolver) => createTokenVerifier({ keys, issuer: ISSUER, audience: AUDIENCE });
const jwksOf = (...keys: TestKey[]): { keys: JWK[] } => ({ keys: keys.map((k) => k.publicJwk) });

describe('a JWKS file', () => {
  let directory: string;
  let path: string;

  /** Replaced as a deployment would: written aside, renamed over. */
  const publish = async (...keys: TestKey[]) => {
    await writeFile(`${path}.tmp`, JSON.stringify(jwksOf(...keys)));
    await rename(`${path}.tmp`, path);
  };

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'carenet-access-'));
    path = join(directory, 'jwks.json');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('follows a rotation without restart: the new key verifies, the removed one no longer does', async () => {
    await publish(oldKey);
    const verifier = verifierOf(jwksFromFile(path, { recheckIntervalMs: 0 }));
    const oldToken = await signToken(oldKey);
    const newToken = await signToken(newKey);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    expect(await expect401(verifier.verify(newToken))).toBe('no key with kid "new" in the JWKS');

    await publish(newKey);
    await expect(verifier.verify(newToken)).resolves.toBeInstanceOf(AccessPrincipal);
    expect(await expect401(verifier.verify(oldToken))).toBe('no key with kid "old" in the JWKS');
  });

  it('looks at the file at most once per interval', async () => {
    let clock = 1_000_000;
    await publish(oldKey);
    const verifier = verifierOf(jwksFromFile(path, { recheckIntervalMs: 1_000, now: () => clock }));
    const oldToken = await signToken(oldKey);
    const newToken = await signToken(newKey);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);

    await publish(newKey);
    // Within the interval the cached set stands, for a known kid and an unknown one alike.
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    await expect401(verifier.verify(newToken));
    clock += 1_000;
    await expect(verifier.verify(newToken)).resolves.toBeInstanceOf(AccessPrincipal);
    await expect401(verifier.verify(oldToken));
  });

  it('keeps the previous keys when a re-read finds a half-written file', async () => {
    await publish(oldKey);
    const verifier = verifierOf(jwksFromFile(path, { recheckIntervalMs: 0 }));
    const oldToken = await signToken(oldKey);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    await writeFile(path, '{"keys": [');
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
  });

  it('is a KeySetUnavailableError (not a 401) when it cannot be read at all', async () => {
    const verifier = verifierOf(jwksFromFile(join(directory, 'missing.json')));
    await expect(verifier.verify(await signToken(oldKey))).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});

describe('a JWKS URL', () => {
  let server: Server;
  let url: string;
  let served: { keys: JWK[] };
  let fetches = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      fetches++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches a new kid on demand and drops a removed kid when the cache expires', async () => {
    served = jwksOf(oldKey);
    fetches = 0;
    const verifier = verifierOf(jwksFromUrl(url, { cacheMaxAgeMs: 300, cooldownMs: 0 }));
    const oldToken = await signToken(oldKey);
    const newToken = await signToken(newKey);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    expect(fetches).toBe(1);

    // The issuer publishes its next key beside the current one: an unknown kid triggers a refetch.
    served = jwksOf(oldKey, newKey);
    await expect(verifier.verify(newToken)).resolves.toBeInstanceOf(AccessPrincipal);
    expect(fetches).toBe(2);

    // Then retires the old one: still cached for a while, refused once the cache expired.
    served = jwksOf(newKey);
    await expect(verifier.verify(oldToken)).resolves.toBeInstanceOf(AccessPrincipal);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await expect401(verifier.verify(oldToken))).toBe('no key with kid "old" in the JWKS');
    await expect(verifier.verify(newToken)).resolves.toBeInstanceOf(AccessPrincipal);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    served = jwksOf(oldKey);
    fetches = 0;
    const verifier = verifierOf(jwksFromUrl(url, { cooldownMs: 60_000 }));
    await expect(verifier.verify(await signToken(oldKey))).resolves.toBeInstanceOf(AccessPrincipal);
    const stranger = await signToken(newKey);
    for (let i = 0; i < 5; i++) await expect401(verifier.verify(stranger));
    expect(fetches).toBe(1);
  });

  it('is a KeySetUnavailableError when the issuer does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const verifier = verifierOf(jwksFromUrl(`http://127.0.0.1:${port}/jwks`, { timeoutMs: 2_000 }));
    await expect(verifier.verify(await signToken(oldKey))).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});
