// `npm start -- --demo` (scripts/start.mjs after the bootstrap): the gateway in the foreground, the
// demo territory loaded through its FHIR API once `/readyz` answers 200, the banner with the tokens;
// the banner's work-queue request answers with the nurse's Tasks; Ctrl-C (SIGINT to the supervisor)
// stops the gateway too. The data dir is a throwaway one.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { PROFESSIONALS, workQueueQuery } from '@carenet/cli';
import { freeLoopbackPort, repositoryRoot, requireGatewayBuilt } from '@carenet/testing';

const dataDir = mkdtempSync(join(tmpdir(), 'carenet-demo-start-'));
let start: ChildProcess | undefined;

afterAll(() => {
  if (start?.exitCode === null && start.signalCode === null) start.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, done: () => boolean, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start -- --demo', () => {
  it('starts the gateway, loads the territory once ready, prints a working curl; Ctrl-C stops both', async () => {
    requireGatewayBuilt();
    const port = await freeLoopbackPort();
    start = spawn(process.execPath, [join(repositoryRoot(), 'scripts', 'start.mjs'), '--demo'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        CARENET_DATA_DIR: dataDir,
        CARENET_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    start.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    start.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
    const exited = new Promise<number | null>((resolve) => start?.once('exit', resolve));

    await until('the banner', () => /^curl .*\$NURSE"$/m.test(stdout), output, 240_000);
    expect(stderr).toContain(
      `--demo: the gateway is ready; loading the demo territory through http://localhost:${port}/fhir`,
    );
    expect(stderr).toContain('[demo] Task      13  6 created');

    const nurse = /^export NURSE=(\S+)$/m.exec(stdout)?.[1] ?? '';
    const fhir = /^export FHIR=(\S+)$/m.exec(stdout)?.[1] ?? '';
    expect(fhir).toBe(`http://localhost:${port}/fhir`);
    const queue = await fetch(`${fhir}/${workQueueQuery(PROFESSIONALS.nurse)}`, {
      headers: { authorization: `Bearer ${nurse}` },
    });
    expect(queue.status).toBe(200);
    const bundle = (await queue.json()) as { entry?: unknown[] };
    expect(bundle.entry?.length).toBe(4);

    start.kill('SIGINT');
    expect(await exited).not.toBeNull();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 300_000);
});
