// `npm test` (after scripts/bootstrap.mjs): every check the project has, in one run.
//   format   prettier --check
//   types    tsc -b (the whole tree, project references)
//   lint     eslint (type-aware)
//   tests    jest: unit, integration and end-to-end tiers; PostgreSQL and Kafka are
//            provisioned by the jest global setup unless DATABASE_URL / KAFKA_BROKERS are set
// Every step runs even when an earlier one failed, so one run shows every problem; the exit
// status is non-zero when any step failed. Extra arguments are passed to jest.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseChild } from './lib/supervise.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const node = process.execPath;
const steps = [
  { name: 'format', args: [bin('prettier', 'bin/prettier.cjs'), '--check', '--log-level=warn', '.'] },
  { name: 'types', args: [bin('typescript', 'bin/tsc'), '-b', '--pretty'] },
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.'] },
  {
    name: 'tests',
    args: [
      // With 2 cores jest runs every suite in its own process (one worker: in band), and the VM
      // modules of ESM tests are not all collected: the heap reached 3.3 GB of Node's default
      // limit of about 3.5 GB with 198 suites and failed once (8 December). The machine has 24 GB.
      '--max-old-space-size=8192',
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      // kafkajs 2.2.4 passes negative timeouts to setTimeout, which Node 24 reports; harmless.
      '--disable-warning=TimeoutNegativeWarning',
      bin('jest', 'bin/jest.js'),
      '--ci',
      ...process.argv.slice(2),
    ],
  },
];

const started = Date.now();
const results = [];
for (const step of steps) {
  process.stderr.write(`\n[carenet] ── ${step.name} ──\n`);
  const t0 = Date.now();
  const child = spawn(node, step.args, { cwd: root, stdio: 'inherit' });
  const status = await superviseChild(child, { exitWithChild: false });
  results.push({ name: step.name, status, seconds: (Date.now() - t0) / 1000 });
}
process.stderr.write('\n[carenet] summary\n');
for (const r of results) {
  process.stderr.write(
    `  ${r.status === 0 ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(7)} ${r.seconds.toFixed(1)} s\n`,
  );
}
process.stderr.write(`  total ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
