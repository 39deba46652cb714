#!/usr/bin/env node
// Entry point of `npm start` and `npm test`. Runs on any Node >= 18 (the system Node may be
// older than what the project needs) and uses only Node's standard library.
//
// It makes sure, idempotently and fast when already done, that:
//   - Node 24 is available (the running one, or the official binary from the npm package
//     `node`, installed once into the cache dir),
//   - pnpm (the version pinned in package.json's `packageManager`) is available,
//   - the workspace dependencies are installed from the lockfile,
// then runs the requested verb with Node 24 and pnpm first on PATH:
//   start  build the workspace (tsc -b) and start carenet (services/gateway)
//   test     run every check and test (scripts/test-all.mjs)
//   carenet  build the workspace quietly, then run the carenet CLI (packages/cli) with the args
//
// Cache dir: $CARENET_CACHE_DIR, else $XDG_CACHE_HOME/carenet, else ~/.cache/carenet.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { superviseChild } from './lib/supervise.mjs';

const NODE_VERSION = '24.9.0';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PNPM_VERSION = String(pkg.packageManager).replace(/^pnpm@/, '');
const cacheDir =
  process.env.CARENET_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'carenet');
const toolchain = join(cacheDir, 'toolchain');

function log(message) {
  process.stderr.write(`[carenet] ${message}\n`);
}

function fail(message) {
  log(`error: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  // Their output is progress: to stderr, so that stdout carries only what the verb prints
  // (`TOKEN=$(npm run -s carenet -- token ...)` works on a fresh clone).
  const result = spawnSync(command, args, { stdio: ['inherit', 2, 2], ...options });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

// Installs an npm package globally under `prefix`, atomically: a half-finished install is never
// mistaken for a complete one, and two concurrent bootstraps do not corrupt each other.
function npmInstallInto(prefix, spec) {
  const staging = `${prefix}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  log(`installing ${spec} into ${prefix} (once)`);
  run('npm', [
    'install',
    '--global',
    '--prefix',
    staging,
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    spec,
  ]);
  try {
    renameSync(staging, prefix);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(prefix)) throw error;
  }
}

function ensureNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return process.execPath;
  const prefix = join(toolchain, `node-${NODE_VERSION}`);
  const binary = join(prefix, 'bin', 'node');
  if (!existsSync(binary)) npmInstallInto(prefix, `node@${NODE_VERSION}`);
  const check = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (check.status !== 0 || !check.stdout.startsWith('v24.')) {
    rmSync(prefix, { recursive: true, force: true });
    fail(`the Node ${NODE_VERSION} binary in ${prefix} does not run; removed it, try again`);
  }
  return binary;
}

function ensurePnpm(nodeBinary) {
  const prefix = join(toolchain, `pnpm-${PNPM_VERSION}`);
  const script = join(prefix, 'lib', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  if (!existsSync(script)) npmInstallInto(prefix, `pnpm@${PNPM_VERSION}`);
  // A bin dir with `node` (24) and `pnpm` first on PATH for everything started from here.
  const bin = join(toolchain, `bin-node-${NODE_VERSION}-pnpm-${PNPM_VERSION}`);
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'pnpm');
  const shimText = `#!/bin/sh\nexec "${nodeBinary}" "${script}" "$@"\n`;
  if (!existsSync(shim) || readFileSync(shim, 'utf8') !== shimText) {
    writeFileSync(shim, shimText);
    chmodSync(shim, 0o755);
  }
  const nodeLink = join(bin, 'node');
  const nodeShim = `#!/bin/sh\nexec "${nodeBinary}" "$@"\n`;
  if (!existsSync(nodeLink) || readFileSync(nodeLink, 'utf8') !== nodeShim) {
    writeFileSync(nodeLink, nodeShim);
    chmodSync(nodeLink, 0o755);
  }
  return bin;
}

// Installs dependencies when the lockfile or a manifest changed since the last install.
function ensureDependencies(env) {
  const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  const hash = createHash('sha256');
  for (const file of manifests) if (existsSync(join(root, file))) hash.update(readFileSync(join(root, file)));
  const lock = spawnSync('git', ['ls-files', '**/package.json'], { cwd: root, encoding: 'utf8' });
  for (const file of (lock.stdout ?? '').split('\n').filter(Boolean).sort()) {
    if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  }
  const digest = hash.digest('hex');
  const stamp = join(root, 'node_modules', '.carenet-install-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  log('installing dependencies (pnpm install --frozen-lockfile)');
  run('pnpm', ['install', '--frozen-lockfile', '--reporter=append-only'], { cwd: root, env });
  writeFileSync(stamp, digest);
}

const verb = process.argv[2];
const verbs = {
  start: [join(root, 'scripts', 'start.mjs')],
  test: [join(root, 'scripts', 'test-all.mjs')],
  carenet: [join(root, 'scripts', 'carenet.mjs')],
  network: [join(root, 'scripts', 'network.mjs')],
};
if (!verb || !(verb in verbs))
  fail(`usage: node scripts/bootstrap.mjs <${Object.keys(verbs).join('|')}> [args]`);

const nodeBinary = ensureNode();
const bin = ensurePnpm(nodeBinary);
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CARENET_CACHE_DIR: cacheDir };
ensureDependencies(env);
const child = spawn(nodeBinary, [...verbs[verb], ...process.argv.slice(3)], {
  cwd: root,
  env,
  stdio: 'inherit',
});
superviseChild(child);
