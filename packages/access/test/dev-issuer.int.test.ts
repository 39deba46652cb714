import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import {
  AccessPrincipal,
  createTokenVerifier,
  DEV_AUDIENCE,
  DEV_ISSUER,
  DevIssuerKeyError,
  DevIssuerRefusedError,
  DevTokenRequestError,
  jwksFromFile,
  openDevIssuer,
} from '../src/index.js';
import { expect401, professional } from './support/token-fixtures.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'carenet-dev-issuer-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('openDevIssuer', () => {
  it.each(['distributed', '', 'Embedded'])('refuses the mode %j', async (mode) => {
    await expect(openDevIssuer({ dataDir, mode })).rejects.toBeInstanceOf(DevIssuerRefusedError);
  });

  it('creates its key once, with owner-only permissions, and reuses it', async () => {
    const first = await openDevIssuer({ dataDir, mode: 'embedded' });
    const privateFile = join(dataDir, 'dev-issuer', 'private-key.jwk.json');
    const jwksFile = join(dataDir, 'dev-issuer', 'jwks.json');
    expect((await stat(privateFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'dev-issuer'))).mode & 0o077).toBe(0);
    expect((await stat(jwksFile)).mode & 0o777).toBe(0o644);
    const published = JSON.parse(await readFile(jwksFile, 'utf8')) as { keys: Record<string, unknown>[] };
    expect(published).toEqual(first.jwks());
    expect(published.keys).toHaveLength(1);
    expect(published.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      kid: first.keyId,
      alg: 'ES256',
      use: 'sig',
    });
    expect(published.keys[0]).not.toHaveProperty('d');

    const second = await openDevIssuer({ dataDir, mode: 'embedded' });
    expect(second.keyId).toBe(first.keyId);
    // A token of one opening verifies with the keys of the other.
    const token = await first.issueToken({ actor: professional, scopes: 'user/*.cruds' });
    const verifier = createTokenVerifier({ keys: second.keys, issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
    await expect(verifier.verify(token)).resolves.toBeInstanceOf(AccessPrincipal);
  });

  it('agrees on one key when opened twice at once on a fresh directory', async () => {
    const [a, b] = await Promise.all([
      openDevIssuer({ dataDir, mode: 'embedded' }),
      openDevIssuer({ dataDir, mode: 'embedded' }),
    ]);
    expect(a.keyId).toBe(b.keyId);
  });

  it('refuses a key readable by others', async () => {
    await openDevIssuer({ dataDir, mode: 'embedded' });
    await chmod(join(dataDir, 'dev-issuer', 'private-key.jwk.json'), 0o644);
    await expect(openDevIssuer({ dataDir, mode: 'embedded' })).rejects.toBeInstanceOf(DevIssuerKeyError);
  });

  it('issues tokens the verifier accepts, with the actor, scopes, lifetime and a jti', async () => {
    const issuer = await openDevIssuer({
      dataDir,
      mode: 'embedded',
      issuer: 'http://localhost:9090/dev-issuer',
      audience: 'http://localhost:9090/fhir',
    });
    const now = new Date();
    const token = await issuer.issueToken({
      actor: professional,
      scopes: 'user/CarePlan.rs',
      expiresInSeconds: 600,
      now,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: issuer.keyId, typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'http://localhost:9090/dev-issuer',
      aud: 'http://localhost:9090/fhir',
      sub: 'urn:oid:1.2.250.1.71.4.2.1|810002345678',
      carenet_actor: professional,
      scope: 'user/CarePlan.rs',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
    expect(typeof claims.jti).toBe('string');

    const verifier = createTokenVerifier({
      keys: issuer.keys,
      issuer: issuer.issuer,
      audience: issuer.audience,
    });
    const principal = await verifier.verify(token);
    expect(principal.actor).toEqual(professional);
    expect(principal.allows('CarePlan', 'r')).toBe(true);
    expect(principal.allows('CarePlan', 'c')).toBe(false);
    // The defaults are another issuer and audience: the token is not theirs.
    const defaults = createTokenVerifier({
      keys: issuer.keys,
      issuer: DEV_ISSUER,
      audience: 'http://localhost:9090/fhir',
    });
    expect(await expect401(defaults.verify(token))).toBe("the token's issuer is not trusted");
  });

  it('publishes a JWKS file a file key source can verify against', async () => {
    const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
    const verifier = createTokenVerifier({
      keys: jwksFromFile(join(dataDir, 'dev-issuer', 'jwks.json')),
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
    });
    const token = await issuer.issueToken({
      actor: { kind: 'system', clientId: 'ops', administrator: true },
      scopes: 'system/*.cruds',
    });
    const principal = await verifier.verify(token);
    expect(principal.actor).toEqual({ kind: 'system', clientId: 'ops', administrator: true });
  });

  it.each([
    [{ actor: { ...professional, sector: 'space' }, scopes: 'user/*.cruds' }, /invalid actor: sector/],
    [{ actor: professional, scopes: 'user/*.rc' }, /invalid scope "user\/\*\.rc"/],
    [{ actor: professional, scopes: 'user/*.cruds', expiresInSeconds: 0 }, /positive number of seconds/],
  ])('refuses a bad request %#', async (request, message) => {
    const issuer = await openDevIssuer({ dataDir, mode: 'embedded' });
    const issued = issuer.issueToken(request as Parameters<typeof issuer.issueToken>[0]);
    await expect(issued).rejects.toBeInstanceOf(DevTokenRequestError);
    await expect(issued).rejects.toThrow(message);
  });
});
