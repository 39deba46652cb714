export * from './cli-io.js';
export { runCli } from './run-cli.js';
export { actorOf, DEFAULT_SCOPES, tokenCommand, type TokenOptions } from './commands/token-command.js';
export { PROFESSION_ALIASES, professionOf } from './commands/profession-codes.js';
export {
  DEMO_KINDS,
  loadDemoTerritory,
  progressLine,
  workQueueQuery,
  type DemoKind,
  type DemoLoadOptions,
  type DemoLoadResult,
  type KindReport,
} from './demo/load-territory.js';
export { GatewayRefusedError, GatewayUnreachableError, type TokenSource } from './demo/fhir-session.js';
export { demoBanner, type BannerToken } from './demo/banner.js';
export { PATIENTS, PROFESSIONALS, STRUCTURES, DEMO_IDENTIFIER_SYSTEM } from './demo/territory.js';
