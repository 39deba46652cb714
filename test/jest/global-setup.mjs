// Jest global setup of the integration tier: real PostgreSQL and Kafka for the whole run.
// Uses the built @carenet/testing (the test command runs `tsc -b` first; alone: `pnpm build`).
import { existsSync } from 'node:fs';

export default async function globalSetup() {
  const built = new URL('../../packages/testing/dist/src/index.js', import.meta.url);
  if (!existsSync(built)) {
    throw new Error('packages/testing is not built: run `pnpm build` (npm test does it for you)');
  }
  const { provisionTestInfrastructure } = await import(built.href);
  const say = (line) => process.stderr.write(`[test-infra] ${line}\n`);
  const infra = await provisionTestInfrastructure(say);
  Object.assign(process.env, infra.env);
  for (const line of infra.description) say(line);
  globalThis.__carenetTestInfrastructure = infra;
  // If whoever started jest dies (SIGKILL), stop: the infrastructure watchdog then cleans up.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      say('parent process is gone: stopping the test run');
      void infra.teardown().finally(() => process.exit(130));
    }
  }, 1000).unref();
}
