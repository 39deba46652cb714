// `npm run network` (after scripts/bootstrap.mjs): the distributed mode on this machine. Builds
// the workspace, starts PostgreSQL and Apache Kafka the way the tests do (throwaway, under
// /tmp/carenet-test-infra), one database per service, every service and the gateway as separate
// processes, then prints their URLs and a token; Ctrl-C stops everything and removes the data.
//
// Options: --port <n> (the gateway's, default 8080), --replicas <n> (of the tasks service),
// --demo (load the demo territory through the gateway, as `npm start -- --demo` does).
// Environment: DATABASE_URL (a PostgreSQL server to create the services' databases in) and
// KAFKA_BROKERS, to use servers of your own instead of throwaway ones.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`[carenet network] ${line}\n`);
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    replicas: { type: 'string', default: '1' },
    demo: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run network -- [--port 8080] [--replicas 1] [--demo]\n' +
      'Starts PostgreSQL, Kafka, the tasks, care-plans and shared-info services and the gateway as\n' +
      'separate processes; Ctrl-C stops them. DATABASE_URL and KAFKA_BROKERS use servers of your own.\n',
  );
  process.exit(0);
}
const port = Number(values.port);
const replicas = Number(values.replicas);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  say(`error: --port must be a port number (got ${values.port})`);
  process.exit(2);
}
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 8) {
  say(`error: --replicas must be between 1 and 8 (got ${values.replicas})`);
  process.exit(2);
}

say('building (tsc -b)');
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  say('error: the build failed, see above');
  process.exit(1);
}
const testing = await import(
  pathToFileURL(join(root, 'packages', 'testing', 'dist', 'src', 'index.js')).href
);
const run = testing.createRunDirectory();
let network;
let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await network?.stop();
  run.remove();
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
try {
  network = await testing.startLocalNetwork({
    run,
    log: say,
    dataDir: join(root, '.carenet', 'network'),
    gatewayPort: port,
    replicas: { tasks: replicas },
    ...(process.env.DATABASE_URL && { databaseUrl: process.env.DATABASE_URL }),
    ...(process.env.KAFKA_BROKERS && { kafkaBrokers: process.env.KAFKA_BROKERS }),
  });
} catch (error) {
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  run.remove();
  process.exit(1);
}
// With --demo, the demo's banner names the actors and their work queues; without, one nurse's.
const nurse = values.demo
  ? undefined
  : network.token('--professional', '810000000002', '--profession', 'nurse', '--name', 'Nina Leroy');
const lines = [
  '',
  `carenet network: FHIR at ${network.fhirBase} (the gateway, a proxy to the services)`,
  ...Object.entries(network.services).flatMap(([name, replicasOf]) =>
    replicasOf.map(
      (p) =>
        `  ${p.name.padEnd(14)} ${p.base}/fhir   database ${new URL(network.databaseUrls[name]).pathname.slice(1)}`,
    ),
  ),
  `  Kafka          ${network.kafkaBrokers}`,
  `  logs           ${run.path}`,
  ...(nurse === undefined
    ? []
    : [
        '',
        "A nurse's token and her work queue (empty until Tasks are given to her; --demo loads a territory):",
        `  TOKEN=${nurse}`,
        `  curl -s -H "Authorization: Bearer $TOKEN" '${network.fhirBase}/Task?owner:identifier=urn:oid:1.2.250.1.71.4.2.1|810000000002&status=requested,accepted,in-progress'`,
      ]),
  `More tokens: CARENET_DATA_DIR=.carenet/network PORT=${port} npm run -s carenet -- token --help`,
  'Ctrl-C stops everything.',
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
if (values.demo) {
  // The demo territory through the gateway, as its professionals (tokens of the network's issuer).
  say('--demo: loading the demo territory through the gateway');
  const cli = join(root, 'packages', 'cli', 'dist', 'src', 'main.js');
  const demo = spawn(
    process.execPath,
    [cli, 'demo', '--base-url', network.fhirBase, '--data-dir', network.dataDir],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: String(port) } },
  );
  demo.once('exit', (code) => {
    if (code !== 0) say(`--demo: the demo territory could not be loaded (exit ${code}); the network goes on`);
  });
}
// A process of the network that dies is reported; the others go on (restart the network to recover).
for (const proc of [network.gateway, ...Object.values(network.services).flat()]) {
  proc.child.once('exit', (code, signal) => {
    if (!stopping) say(`${proc.name} exited with ${code ?? signal}: see its output in ${run.path}`);
  });
}
