import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { FhirError } from '@carenet/fhir';
import { expect } from '@jest/globals';
import type { ProfessionalActor } from '../../src/index.js';

export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'https://carenet.test/fhir';

export interface TestKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function testKey(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const professional: ProfessionalActor = {
  kind: 'professional',
  identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810002345678' },
  profession: {
    system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
    code: '60',
  },
  sector: 'primary-care',
};

/** A token signed by `key`, valid for an hour, with `claims` laid over the defaults (undefined removes one). */
export async function signToken(
  key: TestKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
) {
  const now = nowSeconds();
  const payload: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'ehr-1',
    iat: now,
    exp: now + 3600,
    jti: 'token-1',
    scope: 'system/Task.cruds',
    ...claims,
  };
  for (const [name, value] of Object.entries(payload))
    if (value === undefined) Reflect.deleteProperty(payload, name);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .sign(key.privateKey);
}

/** Runs `action`, expecting a 401 FhirError with the WWW-Authenticate challenge; returns its diagnostics. */
export async function expect401(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FhirError);
  const fhirError = error as FhirError;
  expect(fhirError.status).toBe(401);
  expect(fhirError.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
  expect(fhirError.outcome.issue[0]?.code).toBe('login');
  return fhirError.outcome.issue[0]?.diagnostics ?? '';
}
