import { Command, CommanderError } from 'commander';
import { EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { consumersCommand } from './commands/consumers-command.js';
import { demoCommand } from './commands/demo-command.js';
import { dlqCommand } from './commands/dlq-command.js';
import { eventsCommand } from './commands/events-command.js';
import { logCommand } from './commands/log-command.js';
import { projectionsCommand } from './commands/projections-command.js';
import { republishCommand } from './commands/republish-command.js';
import { streamsCommand } from './commands/streams-command.js';
import { tokenCommand } from './commands/token-command.js';
import { describeError } from './support/cli-errors.js';

/** Commander's ways of ending that are no failure. */
const DONE = new Set(['commander.helpDisplayed', 'commander.version']);

/** Subcommands inherit neither the exit override nor the output configuration: set on each. */
function configure(command: Command, io: CliIo): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  for (const sub of command.commands) configure(sub, io);
}

/**
 * Runs `carenet <argv…>` in this process and returns the exit code: what `main.ts` does for the
 * real process, and what tests call with their own output streams and environment.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('carenet')
    .description('carenet: dev tokens, the demo territory, and the ops verbs')
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 failed, 2 refused (bad input), 3 database or broker unreachable,\n' +
        '4 problems found, 5 busy (active consumer group, rebuild under way).\n' +
        'Connections: DATABASE_URL (else the embedded PGlite in CARENET_DATA_DIR, gateway stopped), KAFKA_BROKERS.',
    )
    .addCommand(
      tokenCommand(io).addHelpText(
        'after',
        '\nExamples:\n  $ TOKEN=$(carenet token --professional 810000000001 --profession doctor --name "Dr Anne Martin")\n' +
          '  $ carenet token --system ehr-gateway --scope "system/Task.cruds"',
      ),
    )
    .addCommand(demoCommand(io))
    .addCommand(streamsCommand(io))
    .addCommand(logCommand(io))
    .addCommand(eventsCommand(io))
    .addCommand(republishCommand(io))
    .addCommand(consumersCommand(io))
    .addCommand(dlqCommand(io))
    .addCommand(projectionsCommand(io));
  configure(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return DONE.has(error.code) ? EXIT_OK : EXIT_USAGE;
    const { code, message } = describeError(error);
    io.stderr.write(`carenet: ${message}\n`);
    return code;
  }
}
