export * from './cli-io.js';
export { runCli } from './run-cli.js';
export { actorOf, DEFAULT_SCOPES, tokenCommand, type TokenOptions } from './commands/token-command.js';
export { PROFESSION_ALIASES, professionOf } from './commands/profession-codes.js';
