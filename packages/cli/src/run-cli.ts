import { DevIssuerRefusedError, DevTokenRequestError } from '@carenet/access';
import { Command, CommanderError } from 'commander';
import { CliUsageError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type CliIo } from './cli-io.js';
import { tokenCommand } from './commands/token-command.js';

/** Commander's ways of ending that are no failure. */
const DONE = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs `carenet <argv…>` in this process and returns the exit code: what `main.ts` does for the
 * real process, and what tests call with their own output streams and environment.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('carenet')
    .description('carenet: dev tokens, and the ops verbs')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addCommand(tokenCommand(io));
  // Subcommands inherit neither the exit override nor the output configuration.
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) return DONE.has(error.code) ? EXIT_OK : EXIT_USAGE;
    if (
      error instanceof CliUsageError ||
      error instanceof DevIssuerRefusedError ||
      error instanceof DevTokenRequestError
    ) {
      io.stderr.write(`carenet: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`carenet: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
