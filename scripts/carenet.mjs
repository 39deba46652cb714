// `npm run carenet -- <verb> [options]` (after scripts/bootstrap.mjs): build the workspace, then
// run the carenet CLI (packages/cli). The build's output goes to stderr: stdout is the CLI's
// alone, so `TOKEN=$(npm run -s carenet -- token ...)` captures just the token.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseChild } from './lib/supervise.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
  cwd: root,
  stdio: ['ignore', 2, 2],
});
if (build.status !== 0) {
  process.stderr.write('[carenet] error: the build failed, see above\n');
  process.exit(1);
}
const cli = spawn(
  process.execPath,
  ['--enable-source-maps', join(root, 'packages', 'cli', 'dist', 'src', 'main.js'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
void superviseChild(cli);
