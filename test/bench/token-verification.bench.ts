import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import * as access from '@carenet/access';
import type { Benchmark } from './benchmark.js';
import { figureOf, type Figure } from './figure.js';
import { figureTable } from './figure-table.js';
import { startMemorySampler } from './memory-sampler.js';
import { phaseResult, type PhaseResult } from './phase-result.js';

type Algorithm = 'ES256' | 'RS256';
type Verify = (token: string) => unknown;

/** Distinct tokens per algorithm, cycled through (distinct subjects and jti, as distinct callers). */
const TOKENS = 200;
/** Verifications between two yields to the event loop (so the memory sampler runs). */
const CHUNK = 2_000;
const WARM_UP = 5_000;
const ISSUER = 'https://issuer.bench';
const AUDIENCE = 'https://carenet.bench/fhir';

interface BenchKey {
  readonly kid: string;
  readonly alg: Algorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

function benchKey(kid: string, alg: Algorithm): BenchKey {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg, privateKey, publicKey };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT as an issuer signs it (ES256 signatures in the JOSE r||s form). */
function signedToken(key: BenchKey, seq: number): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: key.alg, kid: key.kid, typ: 'JWT' })}.${encode({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `ehr-${seq}`,
    client_id: `ehr-${seq}`,
    iat: now,
    exp: now + 86_400,
    jti: randomUUID(),
    scope: 'system/Task.cruds system/CarePlan.rs',
  })}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: key.privateKey,
    ...(key.alg === 'ES256' && { dsaEncoding: 'ieee-p1363' as const }),
  });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The ceiling: node:crypto verifying the same signature over the same bytes with a key object made
 * once (a warm key cache), after the least parsing a JWS needs (split, decode the signature).
 */
function rawVerifier(key: BenchKey): Verify {
  return (token) => {
    const dot = token.lastIndexOf('.');
    const ok = verify(
      'sha256',
      Buffer.from(token.slice(0, dot)),
      { key: key.publicKey, ...(key.alg === 'ES256' && { dsaEncoding: 'ieee-p1363' as const }) },
      Buffer.from(token.slice(dot + 1), 'base64url'),
    );
    if (!ok) throw new Error('a valid signature did not verify');
    return ok;
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `count` verifications cycling through the tokens, timed by chunks (throughput: verifications per
 * second of verification time), then `samples` more timed one by one (latency, in µs).
 */
async function measure(
  check: Verify,
  tokens: readonly string[],
  count: number,
  samples: number,
): Promise<PhaseResult> {
  const memory = startMemorySampler();
  let busyMs = 0;
  for (let done = 0; done < count; done += CHUNK) {
    const end = Math.min(done + CHUNK, count);
    const started = performance.now();
    for (let i = done; i < end; i++) await check(tokens[i % tokens.length]!);
    busyMs += performance.now() - started;
    await yieldToEventLoop();
  }
  const latenciesUs: number[] = [];
  for (let done = 0; done < samples; done += CHUNK) {
    const end = Math.min(done + CHUNK, samples);
    for (let i = done; i < end; i++) {
      const started = performance.now();
      await check(tokens[i % tokens.length]!);
      latenciesUs.push((performance.now() - started) * 1000);
    }
    await yieldToEventLoop();
  }
  return phaseResult(count, busyMs / 1000, latenciesUs, memory.stop());
}

function algorithmFigures(alg: Algorithm, product: PhaseResult, ceiling: PhaseResult): Figure[] {
  const figure = figureOf('token-verification', product, ceiling);
  return [
    figure(`${alg} verifications`, 'k/s', (r) => r.throughput / 1000, true),
    figure(`${alg} verify p50`, 'µs', (r) => r.latency.p50, false),
    figure(`${alg} verify p99`, 'µs', (r) => r.latency.p99, false),
  ];
}

const fastest = (runs: readonly PhaseResult[]): PhaseResult =>
  runs.reduce((best, run) => (run.throughput > best.throughput ? run : best));

const perSecond = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * The cost of authenticating one request: `createTokenVerifier(…).authenticate('Bearer …')` with an
 * in-memory JWKS of 3 keys (warm key cache), for ES256 and RS256 tokens, against node:crypto's
 * `verify` of the same signatures. Needs neither PostgreSQL nor Kafka. Rounds alternate ceiling and
 * carenet; the fastest round of each is kept.
 */
export const tokenVerification: Benchmark = {
  name: 'token-verification',
  title: 'JWT bearer verification per request (createTokenVerifier, warm JWKS, one core)',
  async run(context) {
    const count = context.quick ? 10_000 : 50_000;
    const samples = context.quick ? 5_000 : 20_000;
    const rounds = context.quick ? 1 : 3;

    context.progress('token-verification: generating an ES256 and two RS256 keys, signing the tokens');
    const keys = [benchKey('es-1', 'ES256'), benchKey('rs-1', 'RS256'), benchKey('rs-2', 'RS256')];
    type Jwk = Parameters<typeof access.jwksFromKeys>[0]['keys'][number];
    const jwks = {
      keys: keys.map((k): Jwk => ({
        ...(k.publicKey.export({ format: 'jwk' }) as Jwk),
        kid: k.kid,
        alg: k.alg,
      })),
    };
    // Every token verified in full (the cache of verified tokens would answer all but the first).
    const verifier = access.createTokenVerifier({
      keys: access.jwksFromKeys(jwks),
      issuer: ISSUER,
      audience: AUDIENCE,
      verifiedTokens: false,
    });
    const carenet: Verify = (token) => verifier.authenticate(`Bearer ${token}`);
    // What a client sending the same token again costs: the default verifier, its cache warm.
    const keeping = access.createTokenVerifier({
      keys: access.jwksFromKeys(jwks),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const kept: Verify = (token) => keeping.authenticate(`Bearer ${token}`);

    const figures: Figure[] = [];
    const lines: string[] = [];
    for (const key of keys.slice(0, 2)) {
      const tokens = Array.from({ length: TOKENS }, (_, seq) => signedToken(key, seq));
      const ceilingVerify = rawVerifier(key);
      context.progress(
        `token-verification: ${key.alg} JIT warm-up, ${WARM_UP.toLocaleString('en-US')} verifications each`,
      );
      await measure(carenet, tokens, WARM_UP, 0);
      await measure(ceilingVerify, tokens, WARM_UP, 0);
      const products: PhaseResult[] = [];
      const ceilings: PhaseResult[] = [];
      for (let round = 1; round <= rounds; round++) {
        context.progress(
          `token-verification: ${key.alg} round ${round}/${rounds}, ceiling: node:crypto verify, ${count.toLocaleString('en-US')} tokens`,
        );
        ceilings.push(await measure(ceilingVerify, tokens, count, samples));
        context.progress(
          `token-verification: ${key.alg} round ${round}/${rounds}, carenet authenticate, ${count.toLocaleString('en-US')} tokens`,
        );
        products.push(await measure(carenet, tokens, count, samples));
      }
      figures.push(...algorithmFigures(key.alg, fastest(products), fastest(ceilings)));
      await measure(kept, tokens, WARM_UP, 0);
      const keptRun = await measure(kept, tokens, count, samples);
      const keptFigure = figureOf('token-verification', keptRun, fastest(ceilings));
      figures.push(
        keptFigure(`${key.alg} token seen before (kept) p50`, 'µs', (r) => r.latency.p50, false),
        keptFigure(`${key.alg} token seen before (kept) p99`, 'µs', (r) => r.latency.p99, false),
      );
      lines.push(
        `${key.alg}: carenet ${products.map((r) => perSecond(r.throughput)).join(', ')} /s; ceiling ${ceilings.map((r) => perSecond(r.throughput)).join(', ')} /s`,
      );
    }
    context.report([
      `token verification, ${count.toLocaleString('en-US')} per round over ${TOKENS} distinct tokens per algorithm, JWKS of ${keys.length} keys in memory, fastest of ${rounds} round(s):`,
      ...lines,
      ...figureTable(figures, { withBenchmark: false }),
      `  carenet = verifier.authenticate('Bearer <jwt>'): header and shape checks, alg allow-list, kid lookup`,
      `  in the JWKS, signature, iss/aud/exp/nbf/iat, the carenet_actor/client_id mapping and the scope parse.`,
      `  ceiling = node:crypto verify of the same signature over the same bytes, key object made once.`,
      `  kept = the default verifier on tokens it verified before: expiry and key identity checked, no signature.`,
      `  Latencies are per verification, timed one by one (timer and await included).`,
    ]);
    return figures;
  },
};
