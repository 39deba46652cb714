import { carePlansModule } from '@carenet/care-plans';
import { sharedInfoModule } from '@carenet/shared-info';
import { tasksModule } from '@carenet/tasks';

/**
 * The services behind the gateway, by the name their URL variable carries
 * (`CARENET_SERVICE_<NAME>_URL`). `protocols` is not built yet: optional everywhere.
 */
export const PROXY_SERVICES = ['tasks', 'care-plans', 'shared-info', 'protocols'] as const;
export type ServiceName = (typeof PROXY_SERVICES)[number];

/** The services that must be reachable for the FHIR API to be whole (protocols: not built yet). */
export const REQUIRED_SERVICES: readonly ServiceName[] = ['tasks', 'care-plans', 'shared-info'];

/**
 * The FHIR resource types each service serves: the `types` of its ServiceModule, the same modules
 * the embedded mode composes in one process (shared-info's include AuditEvent, served read-only
 * from the audit records of every service).
 */
export const SERVICE_TYPES: Readonly<Record<ServiceName, readonly string[]>> = {
  tasks: tasksModule.types,
  'care-plans': carePlansModule.types,
  'shared-info': sharedInfoModule.types,
  protocols: [],
};

/** Two services claim one resource type: exactly one service owns each type (DESIGN.md §1). */
export class RoutingTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingTableError';
  }
}

/**
 * Resource type → the name of the service that owns it: one table for the embedded mode (which
 * composes the services in one process) and the distributed mode (whose gateway proxies to them).
 * Throws a RoutingTableError when two services claim the same type.
 */
export function routingTable(
  owners: Readonly<Partial<Record<ServiceName, readonly string[]>>> = SERVICE_TYPES,
): ReadonlyMap<string, ServiceName> {
  const table = new Map<string, ServiceName>();
  for (const service of PROXY_SERVICES) {
    for (const type of owners[service] ?? []) {
      const owner = table.get(type);
      if (owner !== undefined && owner !== service) {
        throw new RoutingTableError(`${type} is claimed by both ${owner} and ${service}`);
      }
      table.set(type, service);
    }
  }
  return table;
}
