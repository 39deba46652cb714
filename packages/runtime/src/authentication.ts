import {
  createTokenVerifier,
  jwksFromFile,
  jwksFromUrl,
  openDevIssuer,
  type DevIssuer,
} from '@carenet/access';
import type { Authenticator } from '@carenet/fhir';
import type { GatewayConfig } from './config.js';

/** Path of the dev issuer's public key set, under the gateway's root (embedded mode only). */
export const DEV_ISSUER_JWKS_PATH = '/dev-issuer/jwks.json';

/**
 * The authenticator of every FHIR request: tokens of the configured issuer checked against its
 * JWKS (URL or file), or, in the embedded mode without one, tokens of the dev issuer (its keys
 * under the data directory; `npm run carenet -- token` prints such tokens).
 */
export async function openAuthentication(
  config: GatewayConfig,
): Promise<{ authenticator: Authenticator; devIssuer?: DevIssuer; description: string }> {
  const { auth } = config;
  if (auth.kind === 'jwks') {
    const keys = auth.jwksUrl !== undefined ? jwksFromUrl(auth.jwksUrl) : jwksFromFile(auth.jwksFile ?? '');
    return {
      authenticator: createTokenVerifier({
        keys,
        issuer: auth.issuer,
        audience: auth.audience,
        maxLifetimeSeconds: config.maxTokenLifetimeSeconds,
      }),
      description: `tokens of ${auth.issuer} (JWKS ${auth.jwksUrl ?? auth.jwksFile ?? ''}), audience ${auth.audience}`,
    };
  }
  const devIssuer = await openDevIssuer({
    dataDir: config.dataDir,
    mode: config.mode,
    audience: auth.audience,
    ...(auth.issuer !== undefined && { issuer: auth.issuer }),
  });
  return {
    authenticator: createTokenVerifier({
      keys: devIssuer.keys,
      issuer: devIssuer.issuer,
      audience: devIssuer.audience,
      maxLifetimeSeconds: config.maxTokenLifetimeSeconds,
    }),
    devIssuer,
    description: `tokens of the dev issuer ${devIssuer.issuer} (embedded mode only), audience ${devIssuer.audience}`,
  };
}
