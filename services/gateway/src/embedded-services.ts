import { carePlansModule } from '@carenet/care-plans';
import { composeServices, type ComposedServices, type ComposeServicesOptions } from '@carenet/runtime';
import { sharedInfoModule } from '@carenet/shared-info';
import { tasksModule } from '@carenet/tasks';

/** Every service module, in the order the embedded mode opens them. */
export const SERVICE_MODULES = [tasksModule, carePlansModule, sharedInfoModule] as const;

export type EmbeddedServicesOptions = Omit<
  ComposeServicesOptions,
  'modules' | 'remoteModules' | 'processName'
>;
export type EmbeddedServices = ComposedServices;

/**
 * The services of the embedded mode, in this process on one database (`composeServices` of
 * @carenet/runtime with every module): the same modules a service process of the distributed
 * mode runs alone, so that both modes serve the same FHIR.
 */
export function openEmbeddedServices(options: EmbeddedServicesOptions): Promise<EmbeddedServices> {
  return composeServices({ ...options, modules: SERVICE_MODULES, processName: 'gateway' });
}
