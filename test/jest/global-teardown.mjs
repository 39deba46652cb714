// Jest global teardown of the integration tier: stops what the global setup started.
export default async function globalTeardown() {
  await globalThis.__carenetTestInfrastructure?.teardown();
}
