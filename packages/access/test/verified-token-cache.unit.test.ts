// Tokens that verified are not checked again while they hold: same answer, no signature check,
// still refused once expired or once the key that verified them is gone.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessPrincipal, createTokenVerifier, jwksFromKeys, type KeyResolver } from '../src/index.js';
import {
  AUDIENCE,
  expect401,
  ISSUER,
  nowSeconds,
  signToken,
  testKey,
  type TestKey,
} from './support/token-fixtures.js';

let key: TestKey;
let other: TestKey;

beforeAll(async () => {
  key = await testKey('k1', 'ES256');
  other = await testKey('k1', 'ES256');
});

/** Counts the signature checks of webcrypto (what jose verifies with). */
const subtle = globalThis.crypto.subtle;
type Verify = typeof subtle.verify;
const originalVerify: Verify = subtle.verify.bind(subtle);
let checks = 0;
subtle.verify = (algorithm, verifyKey, signature, data) => {
  checks += 1;
  return originalVerify(algorithm, verifyKey, signature, data);
};
afterEach(() => {
  checks = 0;
});

describe('the verified-token cache', () => {
  it('answers a token seen before without checking its signature again', async () => {
    const verifier = createTokenVerifier({
      keys: jwksFromKeys({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const token = await signToken(key);
    const first = await verifier.verify(token);
    const again = await verifier.verify(token);
    expect(again).toBe(first);
    expect(checks).toBe(1);
  });

  it('checks every time when turned off', async () => {
    const verifier = createTokenVerifier({
      keys: jwksFromKeys({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      verifiedTokens: false,
    });
    const token = await signToken(key);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(checks).toBe(2);
  });

  it('refuses a kept token once it has expired (with the same tolerance)', async () => {
    let now = new Date();
    const verifier = createTokenVerifier({
      keys: jwksFromKeys({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => now,
    });
    const token = await signToken(key, { exp: nowSeconds() + 60 });
    await expect(verifier.verify(token)).resolves.toBeInstanceOf(AccessPrincipal);
    now = new Date(now.getTime() + 80_000);
    await expect(verifier.verify(token)).resolves.toBeInstanceOf(AccessPrincipal);
    now = new Date(now.getTime() + 20_000);
    expect(await expect401(verifier.verify(token))).toBe('the token has expired');
  });

  it('refuses a kept token once the key set gives another key for its kid', async () => {
    let current: KeyResolver = jwksFromKeys({ keys: [key.publicJwk] });
    const verifier = createTokenVerifier({
      keys: (header, token) => current(header, token),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const token = await signToken(key);
    await expect(verifier.verify(token)).resolves.toBeInstanceOf(AccessPrincipal);
    // Same kid, another key (a compromised key replaced): the token no longer verifies.
    current = jwksFromKeys({ keys: [other.publicJwk] });
    expect(await expect401(verifier.verify(token))).toBe("the token's signature does not verify");
    // Key gone altogether.
    current = jwksFromKeys({ keys: [] });
    expect(await expect401(verifier.verify(token))).toContain('no key');
  });

  it('never takes a token with another signature for a kept one', async () => {
    const verifier = createTokenVerifier({
      keys: jwksFromKeys({ keys: [key.publicJwk] }),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const token = await signToken(key);
    await verifier.verify(token);
    const [header, payload] = token.split('.');
    const [, , foreign] = (await signToken(other)).split('.');
    expect(await expect401(verifier.verify(`${header}.${payload}.${foreign}`))).toBe(
      "the token's signature does not verify",
    );
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() =>
      createTokenVerifier({
        keys: jwksFromKeys({ keys: [] }),
        issuer: ISSUER,
        audience: AUDIENCE,
        verifiedTokens: 0,
      }),
    ).toThrow(RangeError);
  });
});
