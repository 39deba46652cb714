/**
 * Release tool of the event schemas. After a build (`pnpm exec tsc -b contracts`), from the
 * repository root:
 *
 *   node contracts/dist/src/release-cli.js check     released schemas still compatible? (exit 1 if not)
 *   node contracts/dist/src/release-cli.js release   record the current schemas as released
 *
 * Options: --events <dir> (default contracts/events), --lock <file> (default
 * contracts/released.lock.json; the copies go to `released/` next to it).
 */
import { parseArgs } from 'node:util';
import { ContractError } from './errors.js';
import { EVENTS_DIR, RELEASE_LOCK_FILE } from './package-paths.js';
import { checkReleased, planRelease, writeRelease, type ReleaseFile } from './release.js';

const USAGE = `usage: release-cli <check|release> [--events <dir>] [--lock <file>]
  check    report released schemas that were deleted or changed incompatibly (exit status 1)
  release  record every current schema as released (refused while check reports anything)`;

function main(argv: readonly string[]): number {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      events: { type: 'string', default: EVENTS_DIR },
      lock: { type: 'string', default: RELEASE_LOCK_FILE },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || extra.length > 0 || (command !== 'check' && command !== 'release')) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }

  if (command === 'check') {
    const violations = checkReleased(values.events, values.lock);
    for (const violation of violations) console.error(`✗ ${violation.message}`);
    console.log(
      violations.length === 0
        ? 'released schemas: all compatible'
        : `${violations.length} released schema(s) broken: restore them, or publish a new version (<EventName>.v<N+1>)`,
    );
    return violations.length === 0 ? 0 : 1;
  }

  const plan = planRelease(values.events, values.lock);
  if (plan.violations.length > 0) {
    for (const violation of plan.violations) console.error(`✗ ${violation.message}`);
    console.error('release refused: fix the released schemas above first');
    return 1;
  }
  if (plan.added.length === 0 && plan.updated.length === 0) {
    console.log(`nothing to release (${plan.unchanged.length} schema(s) already released)`);
    return 0;
  }
  writeRelease(plan);
  const line = (sign: string) => (entry: ReleaseFile) => `${sign} ${entry.file} (${entry.ceType})`;
  for (const text of [...plan.added.map(line('+')), ...plan.updated.map(line('~'))]) console.log(text);
  console.log(
    `released ${plan.added.length} new and ${plan.updated.length} updated schema(s): commit ${values.lock} and the released/ copies`,
  );
  return 0;
}

/** Node's parseArgs rejects unknown options with a TypeError coded ERR_PARSE_ARGS_*. */
function isUsageError(error: unknown): error is Error {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  // Typed errors (a malformed schema or lock) and bad options: a message, not a stack trace.
  if (!(error instanceof ContractError) && !isUsageError(error)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
