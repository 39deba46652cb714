import { resolve } from 'node:path';
import {
  DEV_AUDIENCE,
  DEV_ISSUER,
  FINESS,
  IDNPS,
  INS_NIR,
  openDevIssuer,
  SECTORS,
  type Actor,
  type ActorIdentifier,
  type Sector,
} from '@carenet/access';
import { Command, Option } from 'commander';
import { CliUsageError, type CliIo } from '../cli-io.js';
import { professionOf } from './profession-codes.js';

export interface TokenOptions {
  readonly dataDir?: string;
  readonly professional?: string;
  readonly profession: string;
  readonly sector: string;
  readonly organization?: string;
  readonly name?: string;
  readonly system?: string;
  readonly admin?: boolean;
  readonly patient?: string;
  readonly scope?: string;
  readonly expiresIn: string;
  readonly issuer: string;
  readonly audience: string;
}

/** The scopes a dev token gets when `--scope` is not given: everything the actor's kind may ask. */
export const DEFAULT_SCOPES: Readonly<Record<Actor['kind'], string>> = {
  professional: 'user/*.cruds',
  system: 'system/*.cruds',
  patient: 'patient/*.rs',
};

/**
 * `carenet token`: a token from the dev issuer of the embedded mode, alone on stdout so that
 * `TOKEN=$(carenet token …)` works. Refused outside the embedded mode: there, tokens come from the
 * deployment's identity provider.
 */
export function tokenCommand(io: CliIo): Command {
  return new Command('token')
    .description('print a token from the dev issuer of the embedded mode (stdout: the token only)')
    .addOption(
      new Option('--data-dir <dir>', 'the embedded data directory (env CARENET_DATA_DIR, else ./.carenet)'),
    )
    .option('--professional <idnps>', 'a professional, by IDNPS')
    .option(
      '--profession <code>',
      'TRE_G15 profession code, or doctor (10), nurse (60), pharmacist (21)',
      '10',
    )
    .addOption(
      new Option('--sector <sector>', 'where the professional works')
        .choices(SECTORS)
        .default('primary-care'),
    )
    .option('--organization <finess>', 'the organisation the caller acts for, by FINESS')
    .option('--name <name>', "the professional's name")
    .option('--system <clientId>', 'a system acting on its own behalf (SMART backend services)')
    .option('--admin', 'the system is an administrator')
    .option('--patient <ins>', 'the patient, by INS (NIR)')
    .option(
      '--scope <scopes>',
      'SMART scopes, space separated (default: user/*.cruds, system/*.cruds or patient/*.rs)',
    )
    .option('--expires-in <seconds>', 'lifetime of the token', '3600')
    .option('--issuer <url>', 'the iss claim (as the gateway is configured)', DEV_ISSUER)
    .option(
      '--audience <url>',
      'the aud claim: the FHIR base of the gateway (env CARENET_PUBLIC_BASE_URL, else http://localhost:$PORT/fhir)',
      defaultAudience(io.env),
    )
    .action(async (options: TokenOptions, command: Command) => {
      const mode = io.env.CARENET_MODE ?? 'embedded';
      if (mode !== 'embedded') {
        throw new CliUsageError(
          `dev tokens exist for the embedded mode only (CARENET_MODE is "${mode}"); ` +
            'in the distributed mode, get tokens from the identity provider the gateway trusts',
        );
      }
      const actor = actorOf(options, (name) => command.getOptionValueSource(name) === 'cli');
      const expiresInSeconds = Number(options.expiresIn);
      if (!/^\d+$/.test(options.expiresIn) || expiresInSeconds <= 0) {
        throw new CliUsageError(
          `--expires-in takes a positive number of seconds (got "${options.expiresIn}")`,
        );
      }
      const issuer = await openDevIssuer({
        dataDir: resolve(options.dataDir ?? io.env.CARENET_DATA_DIR ?? './.carenet'),
        mode,
        issuer: options.issuer,
        audience: options.audience,
      });
      const token = await issuer.issueToken({
        actor,
        scopes: options.scope ?? DEFAULT_SCOPES[actor.kind],
        expiresInSeconds,
      });
      io.stdout.write(`${token}\n`);
    });
}

/**
 * The actor the options describe: exactly one of --professional, --system, --patient, and only the
 * options that go with it (`explicit` tells an option given from one left at its default).
 */
export function actorOf(options: TokenOptions, explicit: (option: keyof TokenOptions) => boolean): Actor {
  const chosen = (['professional', 'system', 'patient'] as const).filter(
    (kind) => options[kind] !== undefined,
  );
  if (chosen.length !== 1) {
    throw new CliUsageError(
      'give exactly one of --professional <idnps>, --system <clientId>, --patient <ins>' +
        (chosen.length > 1 ? ` (got ${chosen.map((k) => `--${k}`).join(', ')})` : ''),
    );
  }
  const kind = chosen[0];
  const only = (option: keyof TokenOptions, flag: string, allowed: string) => {
    if (explicit(option)) throw new CliUsageError(`--${flag} goes with ${allowed} only`);
  };
  const organization: ActorIdentifier | undefined =
    options.organization === undefined ? undefined : { system: FINESS, value: options.organization };
  if (kind === 'professional') {
    only('admin', 'admin', '--system');
    const profession = professionOf(options.profession);
    if (!profession) {
      throw new CliUsageError(
        `--profession takes a TRE_G15 code or doctor, nurse, pharmacist (got "${options.profession}")`,
      );
    }
    return {
      kind: 'professional',
      identifier: { system: IDNPS, value: options.professional ?? '' },
      profession,
      sector: options.sector as Sector,
      ...(organization && { organization }),
      ...(options.name !== undefined && { name: options.name }),
    };
  }
  for (const [option, flag] of [
    ['name', 'name'],
    ['profession', 'profession'],
    ['sector', 'sector'],
  ] as const) {
    only(option, flag, '--professional');
  }
  if (kind === 'system') {
    return {
      kind: 'system',
      clientId: options.system ?? '',
      ...(organization && { organization }),
      ...(options.admin === true && { administrator: true }),
    };
  }
  only('organization', 'organization', '--professional or --system');
  only('admin', 'admin', '--system');
  return { kind: 'patient', identifier: { system: INS_NIR, value: options.patient ?? '' } };
}

/**
 * The gateway's default audience is its public FHIR base: read from the same variables, so that a
 * token made in the gateway's environment fits it whatever its port.
 */
function defaultAudience(env: Readonly<Record<string, string | undefined>>): string {
  const base = env.CARENET_PUBLIC_BASE_URL?.replace(/\/+$/, '');
  if (base) return base;
  return env.PORT ? `http://localhost:${env.PORT}/fhir` : DEV_AUDIENCE;
}
