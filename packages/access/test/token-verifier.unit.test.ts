import { beforeAll, describe, expect, it } from '@jest/globals';
import { exportSPKI, SignJWT, base64url } from 'jose';
import {
  AccessPrincipal,
  actorOf,
  createTokenVerifier,
  jwksFromKeys,
  KeySetUnavailableError,
  TokenVerifierConfigError,
  type TokenVerifier,
} from '../src/index.js';
import {
  AUDIENCE,
  expect401,
  ISSUER,
  nowSeconds,
  professional,
  signToken,
  testKey,
  type TestKey,
} from './support/token-fixtures.js';

let es: TestKey;
let rs: TestKey;
let verifier: TokenVerifier;

beforeAll(async () => {
  es = await testKey('es-1', 'ES256');
  rs = await testKey('rs-1', 'RS256');
  verifier = createTokenVerifier({
    keys: jwksFromKeys({ keys: [es.publicJwk, rs.publicJwk] }),
    issuer: ISSUER,
    audience: AUDIENCE,
  });
});

const bearer = (token: string) => `Bearer ${token}`;
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('createTokenVerifier: accepted tokens', () => {
  it.each(['ES256', 'RS256'] as const)('accepts a valid %s token and describes the caller', async (alg) => {
    const principal = await verifier.authenticate(bearer(await signToken(alg === 'ES256' ? es : rs)));
    expect(principal).toBeInstanceOf(AccessPrincipal);
    expect(principal.actor).toEqual({ kind: 'system', clientId: 'ehr-1' });
    expect(principal.tokenId).toBe('token-1');
    expect(principal.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(principal.allows('Task', 'c')).toBe(true);
    expect(principal.allows('CarePlan', 'r')).toBe(false);
    expect(actorOf(principal)).toEqual({ kind: 'system', clientId: 'ehr-1' });
  });

  it('takes the Bearer scheme in any case, and the client_id claim over sub', async () => {
    const token = await signToken(es, { client_id: 'regional-platform', sub: 'someone' });
    const principal = await verifier.authenticate(`bEaReR ${token}`);
    expect(principal.actor).toEqual({ kind: 'system', clientId: 'regional-platform' });
  });

  it('reads the actor from carenet_actor and scopes from scp', async () => {
    const token = await signToken(es, {
      carenet_actor: professional,
      scope: undefined,
      scp: ['user/CarePlan.rs'],
    });
    const principal = await verifier.verify(token);
    expect(principal.actor).toEqual(professional);
    expect(principal.allows('CarePlan', 's')).toBe(true);
    expect(principal.allows('CarePlan', 'u')).toBe(false);
  });

  it('grants nothing when the token has no scope', async () => {
    const principal = await verifier.verify(await signToken(es, { scope: undefined }));
    expect(principal.allows('Task', 'r')).toBe(false);
  });

  it('accepts one of several issuers and audiences', async () => {
    const multi = createTokenVerifier({
      keys: jwksFromKeys({ keys: [es.publicJwk] }),
      issuer: ['https://other.test', ISSUER],
      audience: ['https://gateway.test', AUDIENCE],
    });
    await expect(
      multi.verify(await signToken(es, { aud: ['https://gateway.test', 'x'] })),
    ).resolves.toBeInstanceOf(AccessPrincipal);
  });
});

describe('createTokenVerifier: refusals are 401 with a specific reason', () => {
  it('no Authorization header', async () => {
    expect(await expect401(verifier.authenticate(undefined))).toBe(
      'authentication required: send an Authorization: Bearer <token> header',
    );
    await expect401(verifier.authenticate('  '));
  });

  it('another scheme', async () => {
    expect(await expect401(verifier.authenticate('Basic dXNlcjpwYXNz'))).toBe(
      'the Authorization header must be "Bearer <token>"',
    );
    expect(await expect401(verifier.authenticate('Bearer'))).toBe(
      'the Authorization header must be "Bearer <token>"',
    );
    expect(await expect401(verifier.authenticate('Bearer a b'))).toBe(
      'the Authorization header must be "Bearer <token>"',
    );
  });

  it('garbage', async () => {
    expect(await expect401(verifier.authenticate(bearer('garbage')))).toBe(
      'the token is not a compact JWS (header.payload.signature)',
    );
    expect(await expect401(verifier.authenticate(bearer('a.b.c')))).toBe(
      "the token's header is not base64url-encoded JSON",
    );
    // The signature is checked before the payload is read.
    const noPayload = `${encode({ alg: 'ES256', kid: 'es-1' })}.${base64url.encode('not json')}.c2ln`;
    expect(await expect401(verifier.authenticate(bearer(noPayload)))).toBe(
      "the token's signature does not verify",
    );
  });

  it('alg none', async () => {
    const now = nowSeconds();
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now + 60 })}.`;
    expect(await expect401(verifier.authenticate(bearer(unsigned)))).toBe(
      'unsigned tokens (alg none) are not accepted',
    );
  });

  it('HS256 signed with the public key as the secret', async () => {
    const secret = new TextEncoder().encode(await exportSPKI(rs.publicKey));
    const now = nowSeconds();
    const forged = await new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'attacker',
      exp: now + 60,
      scope: 'system/*.cruds',
    })
      .setProtectedHeader({ alg: 'HS256', kid: rs.kid })
      .sign(secret);
    expect(await expect401(verifier.authenticate(bearer(forged)))).toBe(
      `the token's algorithm "HS256" is not accepted (RS256, ES256)`,
    );
  });

  it('a symmetric algorithm cannot be configured', () => {
    expect(() =>
      createTokenVerifier({
        keys: jwksFromKeys({ keys: [] }),
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256' as 'RS256'],
      }),
    ).toThrow(TokenVerifierConfigError);
  });

  it('a bad signature (payload of one token, signature of another)', async () => {
    const [header, , signature] = (await signToken(es)).split('.');
    const [, payload] = (await signToken(es, { sub: 'someone-else' })).split('.');
    expect(await expect401(verifier.verify(`${header}.${payload}.${signature}`))).toBe(
      "the token's signature does not verify",
    );
  });

  it('a token signed by a key of the JWKS under another kid', async () => {
    const token = await signToken(rs, {}, { kid: es.kid, alg: 'RS256' });
    await expect401(verifier.verify(token));
  });

  it('expired', async () => {
    const now = nowSeconds();
    expect(await expect401(verifier.verify(await signToken(es, { iat: now - 7200, exp: now - 3600 })))).toBe(
      'the token has expired',
    );
  });

  it('living longer than accepted (an hour by default), with iat or without', async () => {
    const now = nowSeconds();
    const century = await signToken(es, { iat: now, exp: now + 100 * 365 * 86_400 });
    expect(await expect401(verifier.verify(century))).toMatch(
      /^the token lives \d+ s, longer than this server accepts \(3600 s\)/,
    );
    expect(
      await expect401(verifier.verify(await signToken(es, { iat: undefined, exp: now + 7200 }))),
    ).toMatch(/longer than this server accepts/);
    // An hour, as the dev issuer makes them, is accepted; so is a longer cap when configured.
    await expect(verifier.verify(await signToken(es, { iat: now, exp: now + 3600 }))).resolves.toBeDefined();
    const lenient = createTokenVerifier({
      keys: jwksFromKeys({ keys: [es.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      maxLifetimeSeconds: 86_400,
    });
    await expect(lenient.verify(await signToken(es, { iat: now, exp: now + 7200 }))).resolves.toBeDefined();
  });

  it('without exp', async () => {
    expect(await expect401(verifier.verify(await signToken(es, { exp: undefined })))).toBe(
      'the token has no exp claim',
    );
  });

  it('not yet valid', async () => {
    expect(await expect401(verifier.verify(await signToken(es, { nbf: nowSeconds() + 600 })))).toBe(
      'the token is not yet valid (nbf)',
    );
  });

  it('issued in the future', async () => {
    expect(await expect401(verifier.verify(await signToken(es, { iat: nowSeconds() + 600 })))).toBe(
      'the token is issued in the future (iat)',
    );
  });

  it('wrong issuer', async () => {
    expect(await expect401(verifier.verify(await signToken(es, { iss: 'https://evil.test' })))).toBe(
      "the token's issuer is not trusted",
    );
  });

  it('wrong audience', async () => {
    expect(
      await expect401(verifier.verify(await signToken(es, { aud: 'https://elsewhere.test/fhir' }))),
    ).toBe(`the token's audience is not this server, which takes "${AUDIENCE}"`);
  });

  it('unknown kid', async () => {
    const stranger = await testKey('stranger', 'ES256');
    expect(await expect401(verifier.verify(await signToken(stranger)))).toBe(
      'no key with kid "stranger" in the JWKS',
    );
  });

  it('an invalid carenet_actor claim', async () => {
    const actor = { ...professional, identifier: { system: 'urn:example', value: '1' } };
    expect(await expect401(verifier.verify(await signToken(es, { carenet_actor: actor })))).toBe(
      "the token's carenet_actor claim is invalid: identifier.system: must be a IDNPS or RPPS naming system (urn:oid:1.2.250.1.71.4.2.1, https://rpps.esante.gouv.fr)",
    );
  });

  it('no caller at all', async () => {
    expect(await expect401(verifier.verify(await signToken(es, { sub: undefined })))).toBe(
      'the token names no caller (no carenet_actor, client_id or sub claim)',
    );
  });
});

describe('clock tolerance', () => {
  const tolerant = (clockToleranceSeconds: number) =>
    createTokenVerifier({
      keys: jwksFromKeys({ keys: [es.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds,
    });

  it('accepts exp, nbf and iat within the tolerance, refuses them beyond', async () => {
    const now = nowSeconds();
    const expiredRecently = await signToken(es, { iat: now - 600, exp: now - 20 });
    const notBeforeSoon = await signToken(es, { nbf: now + 20 });
    const issuedSoon = await signToken(es, { iat: now + 20 });
    for (const token of [expiredRecently, notBeforeSoon, issuedSoon]) {
      await expect(tolerant(30).verify(token)).resolves.toBeInstanceOf(AccessPrincipal);
      await expect401(tolerant(5).verify(token));
    }
  });

  it('defaults to 30 seconds', async () => {
    const now = nowSeconds();
    await expect(verifier.verify(await signToken(es, { exp: now - 15 }))).resolves.toBeInstanceOf(
      AccessPrincipal,
    );
    await expect401(verifier.verify(await signToken(es, { exp: now - 45 })));
  });
});

describe('actorOf', () => {
  it('refuses a request without principal', () => {
    expect(() => actorOf(undefined)).toThrow('authentication required');
  });

  it('accepts a principal made elsewhere when its actor is one', () => {
    expect(actorOf({ actor: professional, allows: () => false })).toEqual(professional);
    expect(() => actorOf({ actor: { kind: 'robot' }, allows: () => false })).toThrow(
      'authentication required',
    );
  });
});

describe('a key source failure', () => {
  it('is no 401: the KeySetUnavailableError goes on to the edge', async () => {
    const broken = createTokenVerifier({
      keys: () => Promise.reject(new KeySetUnavailableError('the JWKS file /nowhere could not be read')),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    await expect(broken.verify(await signToken(es))).rejects.toBeInstanceOf(KeySetUnavailableError);
  });
});
