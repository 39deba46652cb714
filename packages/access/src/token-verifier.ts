import { unauthorized, type Authenticator, type FhirError } from '@carenet/fhir';
import {
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type JWSHeaderParameters,
  type JWTPayload,
} from 'jose';
import { AccessPrincipal } from './access-principal.js';
import { actorFromClaims, scopesFromClaims } from './actor-claims.js';
import { KeySetUnavailableError, type KeyResolver } from './jwks-source.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/** The signature algorithms a verifier may accept: asymmetric only (never `none`, never HS*). */
export type AcceptedAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
const ASYMMETRIC: ReadonlySet<string> = new Set<AcceptedAlgorithm>([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

export interface TokenVerifierOptions {
  /** Where the issuer's public keys come from (`jwksFromUrl`, `jwksFromFile`, `jwksFromKeys`). */
  readonly keys: KeyResolver;
  /** The trusted issuer(s): the token's `iss` must be one of them. */
  readonly issuer: string | readonly string[];
  /** This server's audience(s): the token's `aud` must name one of them. */
  readonly audience: string | readonly string[];
  /** Clock skew accepted on `exp`, `nbf` and `iat` (default 30 s). */
  readonly clockToleranceSeconds?: number;
  /**
   * The longest lifetime accepted (`exp` minus `iat`, or minus now without `iat`), in seconds
   * (default 3600: an hour). A token issued for longer is refused, so a leaked token cannot serve
   * for years; ask the issuer for shorter-lived tokens.
   */
  readonly maxLifetimeSeconds?: number;
  /** Accepted signature algorithms (default RS256 and ES256). */
  readonly algorithms?: readonly AcceptedAlgorithm[];
  /**
   * Tokens that verified, kept so that the next request with the same token skips the signature
   * check (default 10,000 tokens; `false`: none). A kept token is still refused once expired, or
   * once the key set no longer gives the key that verified it (rotation).
   */
  readonly verifiedTokens?: number | false;
  /** The clock (tests). */
  readonly now?: () => Date;
}

/** A refused verifier configuration (programming or deployment error, raised at start). */
export class TokenVerifierConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenVerifierConfigError';
  }
}

export interface TokenVerifier extends Authenticator {
  authenticate(authorization: string | undefined): Promise<AccessPrincipal>;
  /** Verifies a bare compact JWT (no `Bearer` prefix). */
  verify(token: string): Promise<AccessPrincipal>;
}

/** The longest token lifetime accepted by default: an hour. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 3600;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** A value the caller sent, safe to quote back: printable, short, JSON-quoted. */
const quote = (value: unknown) =>
  JSON.stringify(
    String(value)
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 64),
  );

/**
 * The authentication of every FHIR request (SMART backend services: a JWT bearer token signed by a
 * trusted issuer and checked against its JWKS). Every refusal is a 401 whose diagnostics say what is
 * wrong with the token, never which keys or issuers the server knows beyond what the token named.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const algorithms = options.algorithms ?? ['RS256', 'ES256'];
  if (algorithms.length === 0) throw new TokenVerifierConfigError('no signature algorithm is accepted');
  for (const alg of algorithms) {
    // A symmetric algorithm lets anyone holding the public key (used as the HMAC secret) sign tokens.
    if (!ASYMMETRIC.has(alg)) throw new TokenVerifierConfigError(`the algorithm ${alg} cannot be accepted`);
  }
  const tolerance = options.clockToleranceSeconds ?? 30;
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(maxLifetime) || maxLifetime <= 0) {
    throw new TokenVerifierConfigError(
      `the longest token lifetime must be a positive number of seconds (got ${maxLifetime})`,
    );
  }
  const issuers = typeof options.issuer === 'string' ? [options.issuer] : [...options.issuer];
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  if (issuers.length === 0 || audiences.length === 0) {
    throw new TokenVerifierConfigError('a token verifier needs at least one issuer and one audience');
  }
  const accepted: ReadonlySet<string> = new Set(algorithms);
  const now = options.now ?? (() => new Date());
  const verified =
    options.verifiedTokens === false ? undefined : new VerifiedTokenCache(options.verifiedTokens ?? 10_000);

  const verify = async (token: string): Promise<AccessPrincipal> => {
    if (!COMPACT_JWS.test(token))
      throw unauthorized('the token is not a compact JWS (header.payload.signature)');
    const known = await verified?.lookup(token, options.keys, Math.floor(now().getTime() / 1000), tolerance);
    if (known !== undefined) return known;
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      throw unauthorized("the token's header is not base64url-encoded JSON");
    }
    if (alg === undefined) throw unauthorized("the token's header has no alg");
    if (alg === 'none') throw unauthorized('unsigned tokens (alg none) are not accepted');
    if (typeof alg !== 'string' || !accepted.has(alg)) {
      throw unauthorized(`the token's algorithm ${quote(alg)} is not accepted (${algorithms.join(', ')})`);
    }
    const current = now();
    let payload: JWTPayload;
    let header: JWSHeaderParameters | undefined;
    let key: CryptoKey | undefined;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (protectedHeader, flattened) => {
          header = protectedHeader;
          key = await options.keys(protectedHeader, flattened);
          return key;
        },
        {
          issuer: issuers,
          audience: audiences,
          algorithms: [...algorithms],
          clockTolerance: tolerance,
          requiredClaims: ['exp'],
          currentDate: current,
        },
      ));
    } catch (error) {
      throw refusal(error, kid, audiences);
    }
    // jose checks `iat` only with maxTokenAge: a token issued in the future is refused here.
    if (payload.iat !== undefined && payload.iat > current.getTime() / 1000 + tolerance) {
      throw unauthorized('the token is issued in the future (iat)');
    }
    const exp = payload.exp ?? 0;
    const issuedAt = payload.iat ?? Math.floor(current.getTime() / 1000);
    if (exp - issuedAt > maxLifetime + tolerance) {
      throw unauthorized(
        `the token lives ${exp - issuedAt} s, longer than this server accepts (${maxLifetime} s): ask the issuer for a shorter-lived token`,
      );
    }
    const actor = actorFromClaims(payload);
    const scopes = scopesFromClaims(payload);
    const expiresAt = new Date(exp * 1000);
    const principal =
      typeof payload.jti === 'string'
        ? new AccessPrincipal(actor, scopes, expiresAt, payload.jti)
        : new AccessPrincipal(actor, scopes, expiresAt);
    if (header !== undefined && key !== undefined) verified?.remember(token, { principal, header, key, exp });
    return principal;
  };

  return {
    verify,
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') {
        throw unauthorized('authentication required: send an Authorization: Bearer <token> header');
      }
      const match = /^(\S+)[ \t]+(\S+)[ \t]*$/.exec(authorization.trim());
      if (match?.[1]?.toLowerCase() !== 'bearer' || match[2] === undefined) {
        throw unauthorized('the Authorization header must be "Bearer <token>"');
      }
      return verify(match[2]);
    },
  };
}

/**
 * The 401 for a jose refusal; a key source failure goes on as it is (a 500 at the edge). A wrong
 * audience names the one this server takes (its public FHIR base, no secret): a token made for
 * another port or host says so.
 */
function refusal(
  error: unknown,
  kid: unknown,
  audiences: readonly string[],
): FhirError | KeySetUnavailableError {
  if (error instanceof KeySetUnavailableError) return error;
  if (error instanceof errors.JWTExpired) {
    return unauthorized(error.claim === 'exp' ? 'the token has expired' : 'the token is too old');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return unauthorized(`the token has no ${error.claim} claim`);
    switch (error.claim) {
      case 'iss':
        return unauthorized("the token's issuer is not trusted");
      case 'aud':
        return unauthorized(
          `the token's audience is not this server, which takes ${audiences.map((a) => JSON.stringify(a)).join(' or ')}`,
        );
      case 'nbf':
        return unauthorized(
          error.reason === 'check_failed'
            ? 'the token is not yet valid (nbf)'
            : "the token's nbf claim is invalid",
        );
      default:
        return unauthorized(`the token's ${quote(error.claim).slice(1, -1)} claim is invalid`);
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthorized(
      kid === undefined
        ? "no key in the JWKS matches the token's algorithm (and the token names no kid)"
        : `no key with kid ${quote(kid)} in the JWKS`,
    );
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthorized('the token names no kid and several keys of the JWKS could verify it');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthorized("the token's signature does not verify");
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthorized("the token's algorithm is not accepted");
  if (error instanceof errors.JOSENotSupported)
    return unauthorized("the token's algorithm or key is not supported");
  if (error instanceof errors.JWTInvalid) return unauthorized("the token's payload is not a JWT claims set");
  if (error instanceof errors.JOSEError) return unauthorized('the token is not a valid JWS');
  throw error;
}
