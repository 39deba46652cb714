// `npm start` (after scripts/bootstrap.mjs): build the workspace, then run carenet in the
// foreground. Today that is the gateway (services/gateway); FHIR at http://localhost:8080/fhir.
// `npm start -- --demo` also loads the demo territory once the gateway is ready (`carenet demo`,
// scripts/lib/demo-when-ready.mjs) and prints its banner; the other arguments go to the gateway.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDemoWhenReady } from './lib/demo-when-ready.mjs';
import { superviseChild } from './lib/supervise.mjs';

const args = process.argv.slice(2);
const demo = args.includes('--demo');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.stderr.write('[carenet] building (tsc -b)\n');
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  process.stderr.write('[carenet] error: the build failed, see above\n');
  process.exit(1);
}
const gateway = spawn(
  process.execPath,
  [
    '--enable-source-maps',
    join(root, 'services', 'gateway', 'dist', 'src', 'main.js'),
    ...args.filter((arg) => arg !== '--demo'),
  ],
  { cwd: root, stdio: 'inherit' },
);
void superviseChild(gateway);
if (demo) loadDemoWhenReady({ root, gateway });
