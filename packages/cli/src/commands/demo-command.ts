import { resolve } from 'node:path';
import { DEV_ISSUER, openDevIssuer } from '@carenet/access';
import { Command, Option } from 'commander';
import { CliUnavailableError, CliUsageError, type CliIo } from '../cli-io.js';
import { demoBanner, type BannerToken } from '../demo/banner.js';
import {
  FhirSession,
  GatewayRefusedError,
  GatewayUnreachableError,
  type TokenSource,
} from '../demo/fhir-session.js';
import { loadDemoTerritory } from '../demo/load-territory.js';
import { PROFESSIONALS } from '../demo/territory.js';
import { DEFAULT_SCOPES } from './token-command.js';

interface DemoOptions {
  readonly baseUrl: string;
  readonly dataDir?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/**
 * How long the tokens live: an hour, or less when the gateway takes less (the same variable as the
 * gateway's, CARENET_AUTH_MAX_TOKEN_LIFETIME, which `npm start -- --demo` passes on).
 */
function tokenLifetimeSeconds(env: Readonly<Record<string, string | undefined>>): number {
  const cap = Number(env.CARENET_AUTH_MAX_TOKEN_LIFETIME);
  return Number.isInteger(cap) && cap > 0 ? Math.min(3600, cap) : 3600;
}

/** The gateway's FHIR base by default: the one `npm start` serves, in this environment. */
function defaultBaseUrl(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.CARENET_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  if (base) return base;
  return `http://localhost:${env.PORT ?? '8080'}/fhir`;
}

/**
 * What the gateway at `session.baseUrl` expects of a token: the audience (its public base URL, as its
 * CapabilityStatement says) and the issuer (its SMART configuration). Also tells early, and clearly,
 * that nothing answers there.
 */
async function discover(session: FhirSession): Promise<{ audience?: string; issuer?: string }> {
  const metadata = await session.open('metadata');
  if (metadata.status !== 200 || metadata.body.resourceType !== 'CapabilityStatement') {
    throw new CliUnavailableError(
      `${session.baseUrl}/metadata answered ${metadata.status} without a CapabilityStatement: is it the FHIR base of a carenet gateway?`,
    );
  }
  const implementation = metadata.body.implementation as { url?: unknown } | undefined;
  const smart = await session.open('.well-known/smart-configuration');
  const issuer = smart.status === 200 ? smart.body.issuer : undefined;
  return {
    ...(typeof implementation?.url === 'string' && { audience: implementation.url }),
    ...(typeof issuer === 'string' && { issuer }),
  };
}

/**
 * `carenet demo`: loads the demo territory through the gateway's FHIR API (idempotent), with tokens
 * of the dev issuer for each professional who acts, then prints tokens of three of them and the
 * requests to try. Progress on stderr, the banner on stdout.
 */
export function demoCommand(io: CliIo): Command {
  return new Command('demo')
    .description(
      'load the demo territory through the FHIR API (again: nothing twice) and print tokens of a GP, a nurse and the coordinator',
    )
    .addOption(
      new Option('--base-url <url>', 'the FHIR base of the gateway').default(
        defaultBaseUrl(io.env),
        'env CARENET_PUBLIC_BASE_URL, else http://localhost:$PORT/fhir, PORT 8080 when unset',
      ),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        "the gateway's embedded data directory, whose dev issuer signs the tokens (env CARENET_DATA_DIR, else ./.carenet)",
      ),
    )
    .option('--issuer <url>', "the tokens' iss (default: the issuer of the gateway's SMART configuration)")
    .option(
      '--audience <url>',
      "the tokens' aud (default: the gateway's base URL, from its CapabilityStatement)",
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ carenet demo                                         # the gateway of `npm start`\n' +
        '  $ carenet demo --base-url http://localhost:18080/fhir   # another port',
    )
    .action(async (options: DemoOptions) => {
      const mode = io.env.CARENET_MODE ?? 'embedded';
      if (mode !== 'embedded') {
        throw new CliUsageError(
          `the demo signs its tokens with the dev issuer of the embedded mode (CARENET_MODE is "${mode}")`,
        );
      }
      let baseUrl: URL;
      try {
        baseUrl = new URL(options.baseUrl);
      } catch {
        throw new CliUsageError(`--base-url takes a URL (got "${options.baseUrl}")`);
      }
      const lifetime = tokenLifetimeSeconds(io.env);
      try {
        const probe = new FhirSession(baseUrl.href, () => Promise.reject(new Error('no token needed')));
        const discovered = await discover(probe);
        const issuer = await openDevIssuer({
          dataDir: resolve(options.dataDir ?? io.env.CARENET_DATA_DIR ?? './.carenet'),
          mode,
          issuer: options.issuer ?? discovered.issuer ?? DEV_ISSUER,
          audience: options.audience ?? discovered.audience ?? probe.baseUrl,
        });
        const tokens: TokenSource = (actor) =>
          issuer.issueToken({
            actor,
            scopes: DEFAULT_SCOPES[actor.kind],
            expiresInSeconds: lifetime,
          });
        const result = await loadDemoTerritory({
          baseUrl: probe.baseUrl,
          tokens,
          progress: (line) => io.stderr.write(`[demo] ${line}\n`),
        });
        const shown: BannerToken[] = [];
        for (const [variable, professional] of [
          ['GP', PROFESSIONALS.gp],
          ['NURSE', PROFESSIONALS.nurse],
          ['COORDINATOR', PROFESSIONALS.coordinator],
        ] as const) {
          shown.push({ variable, professional, token: await tokens(professional.actor) });
        }
        io.stdout.write(
          demoBanner(result, shown, {
            tokenLifetimeSeconds: lifetime,
            again: `npm run carenet -- demo --base-url ${probe.baseUrl}`,
          }),
        );
      } catch (error) {
        if (error instanceof GatewayUnreachableError) {
          throw new CliUnavailableError(`${error.message} (is it running? npm start, or give --base-url)`);
        }
        // A token signed by another key: the dev issuer of another data directory.
        if (
          error instanceof GatewayRefusedError &&
          error.status === 401 &&
          /kid|signature/.test(error.message)
        ) {
          throw new Error(
            `${error.message}: the gateway does not take the dev issuer's tokens of this data directory ` +
              '(give the data directory of the running gateway: --data-dir, or CARENET_DATA_DIR)',
            { cause: error },
          );
        }
        throw error;
      }
    });
}
