import type { GatewayConfig } from '../config.js';

/** Where the SMART discovery document is served: under the FHIR base (SMART App Launch 2.x) and at the root. */
export const SMART_CONFIGURATION_PATHS: readonly string[] = [
  '/fhir/.well-known/smart-configuration',
  '/.well-known/smart-configuration',
];

/** The dev issuer's placeholder token endpoint (embedded mode): it refuses every request, saying why. */
export const DEV_ISSUER_TOKEN_PATH = '/dev-issuer/token';

/** The signature algorithms of client assertions SMART Backend Services requires authorization servers to take. */
const CLIENT_ASSERTION_ALGORITHMS = ['RS384', 'ES384'];

/**
 * What `/.well-known/smart-configuration` answers (SMART App Launch 2.x, backend services): the
 * authorization server's endpoints and what this resource server understands.
 */
export interface SmartConfiguration {
  readonly issuer: string;
  readonly jwks_uri?: string;
  readonly token_endpoint: string;
  readonly grant_types_supported: readonly string[];
  readonly token_endpoint_auth_methods_supported: readonly string[];
  readonly token_endpoint_auth_signing_alg_values_supported: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly capabilities: readonly string[];
  readonly code_challenge_methods_supported: readonly string[];
}

/** The gateway's root URL, from the FHIR base clients see (`…/fhir` is mounted at the root's `/fhir`). */
export function gatewayRootOf(publicBaseUrl: string): string {
  return publicBaseUrl.replace(/\/fhir$/, '');
}

/**
 * The scopes a client may ask for, in the grammar `@carenet/access` parses: SMART v2
 * (`<context>/<Type|*>.<cruds subset>`) and v1 (`.read`, `.write`), in the system, user and patient
 * contexts, for every hosted type and `*`. Any subset of `cruds` in that order is understood; the
 * list gives the full and the read-and-search ones.
 */
export function supportedScopes(types: readonly string[]): string[] {
  const scopes: string[] = [];
  for (const context of ['system', 'user', 'patient']) {
    for (const type of ['*', ...[...types].sort()])
      scopes.push(`${context}/${type}.cruds`, `${context}/${type}.rs`);
    scopes.push(`${context}/*.read`, `${context}/*.write`);
  }
  return scopes;
}

/**
 * The SMART configuration of this gateway, or `undefined` when its token endpoint is not known
 * (an external issuer without `CARENET_AUTH_TOKEN_URL`). In the embedded mode without a
 * configured issuer the dev issuer is the issuer; it has no OAuth token endpoint (tokens come from
 * `npm run carenet -- token`), so the document names its placeholder, which answers every request
 * with an OAuth error saying so, unless `CARENET_AUTH_TOKEN_URL` names one.
 */
export function smartConfiguration(
  config: Pick<GatewayConfig, 'auth' | 'authTokenUrl' | 'publicBaseUrl'>,
  devIssuer: { readonly issuer: string; readonly jwksPath: string } | undefined,
  types: readonly string[],
): SmartConfiguration | undefined {
  const root = gatewayRootOf(config.publicBaseUrl);
  const issuer = config.auth.kind === 'jwks' ? config.auth.issuer : devIssuer?.issuer;
  const jwksUri =
    config.auth.kind === 'jwks'
      ? config.auth.jwksUrl
      : devIssuer === undefined
        ? undefined
        : `${root}${devIssuer.jwksPath}`;
  const tokenEndpoint =
    config.authTokenUrl ?? (devIssuer === undefined ? undefined : `${root}${DEV_ISSUER_TOKEN_PATH}`);
  if (issuer === undefined || tokenEndpoint === undefined) return undefined;
  return {
    issuer,
    ...(jwksUri !== undefined && { jwks_uri: jwksUri }),
    token_endpoint: tokenEndpoint,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGORITHMS,
    scopes_supported: supportedScopes(types),
    capabilities: [
      'client-confidential-asymmetric',
      'permission-v1',
      'permission-v2',
      'permission-patient',
      'permission-user',
    ],
    code_challenge_methods_supported: ['S256'],
  };
}

/** The OAuth error (RFC 6749 §5.2) the dev issuer's placeholder token endpoint answers. */
export const DEV_ISSUER_TOKEN_ERROR = {
  error: 'unsupported_grant_type',
  error_description:
    'the dev issuer of the embedded mode has no OAuth token endpoint: print a token with ' +
    '`npm run carenet -- token` (see README), or set CARENET_AUTH_TOKEN_URL, CARENET_AUTH_ISSUER and ' +
    'CARENET_AUTH_JWKS_URL to use an authorization server',
} as const;
