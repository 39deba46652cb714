// `npm start -- --demo`: once the gateway answers /readyz with 200, run `carenet demo` against it
// (packages/cli, built by `npm start`), once. The gateway stays in the foreground whatever the
// demo does: a failed load is reported, not fatal. When the gateway ends (Ctrl-C, a signal, a
// crash), a demo still running is stopped with it. Plain Node, no dependencies.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { terminate } from './supervise.mjs';

const READY_POLL_MS = 500;
const READY_WITHIN_MS = 10 * 60_000;

/** Where to reach the gateway from this machine, given the interface it listens on. */
export function gatewayOrigin(env) {
  const port = env.PORT || '8080';
  const host = env.CARENET_HOST || '127.0.0.1';
  const wildcard = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host);
  const name = wildcard ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

function log(message) {
  process.stderr.write(`[carenet] ${message}\n`);
}

/**
 * Waits for `gateway` (a child process) to be ready at `gatewayOrigin(env)`, then runs the CLI's
 * `demo` verb with `env` (the gateway's: same PORT and CARENET_DATA_DIR, so the same dev issuer).
 */
export function loadDemoWhenReady({ root, gateway, env = process.env }) {
  const origin = gatewayOrigin(env);
  const base = `${origin}/fhir`;
  const cli = join(root, 'packages', 'cli', 'dist', 'src', 'main.js');
  let demo;
  let gatewayGone = false;
  gateway.once('exit', () => {
    gatewayGone = true;
    if (demo) terminate(demo);
  });

  async function ready() {
    const deadline = Date.now() + READY_WITHIN_MS;
    while (!gatewayGone && Date.now() < deadline) {
      try {
        const answer = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (answer.status === 200) return true;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
    }
    if (!gatewayGone) log(`--demo: ${origin}/readyz did not answer 200 within 10 minutes: no demo territory`);
    return false;
  }

  void ready().then((isReady) => {
    if (!isReady || gatewayGone) return;
    log(`--demo: the gateway is ready; loading the demo territory through ${base}`);
    demo = spawn(process.execPath, ['--enable-source-maps', cli, 'demo', '--base-url', base], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    demo.on('error', (error) => log(`--demo: could not start the carenet CLI: ${error.message}`));
    demo.on('exit', (code, signal) => {
      if (code === 0 || gatewayGone) return;
      log(
        `--demo: the demo territory was not loaded (exit ${code ?? signal}, see above); the gateway keeps running. ` +
          `Again: npm run carenet -- demo --base-url ${base}`,
      );
    });
  });
}
