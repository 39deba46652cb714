#!/usr/bin/env node
import { runCli } from './run-cli.js';

// A reader that goes away (`carenet log tail --follow | head`) ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
// Whatever escapes the verbs (a client library's late error): one line, never a stack trace.
process.on('uncaughtException', (error) => {
  process.stderr.write(`carenet: ${error.message}\n`);
  process.exit(1);
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  ...(process.stderr.isTTY && { terminal: process.stderr }),
});
