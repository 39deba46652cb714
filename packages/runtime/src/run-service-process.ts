import { composeFromConfig, runFhirProcess } from './run-fhir-process.js';
import type { ServiceModule } from './service-module.js';

/**
 * A service's own process (the distributed mode, `services/<name>/src/main.ts`): `module` on its
 * own PostgreSQL database, its relay to its topic and one for its audit records, its consumers of
 * the other services' topics, its clocks, and the access facts of `others` kept from their
 * topics; FHIR for its types, `/healthz`, `/readyz`, `/metrics`. Replicas share the database and
 * the consumer groups: the relay's leader lock and Kafka split the work.
 */
export function runServiceProcess(module: ServiceModule, others: readonly ServiceModule[]): Promise<void> {
  return runFhirProcess({
    name: module.name,
    kind: 'service',
    compose: (context) =>
      composeFromConfig(context, { modules: [module], remoteModules: others, processName: module.name }),
  });
}
