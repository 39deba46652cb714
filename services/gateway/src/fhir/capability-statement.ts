import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';

export interface CapabilityOptions {
  /** FHIR base URL as clients see it. */
  readonly baseUrl: string;
  readonly softwareVersion: string;
  /** When this server instance started (CapabilityStatement.date). */
  readonly startedAt: string;
  /** The resource types really served, with their interactions. Nothing else is claimed. */
  readonly resources: readonly CapabilityStatementRestResource[];
}

/**
 * The gateway's CapabilityStatement (FHIR R4 4.0.1). It is generated from what is registered,
 * so it can never claim a type or interaction that is not implemented.
 */
export function buildCapabilityStatement(options: CapabilityOptions): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.startedAt,
    publisher: 'carenet',
    kind: 'instance',
    software: { name: 'carenet', version: options.softwareVersion },
    implementation: {
      description: 'carenet: event-sourced backend for territorial care networks',
      url: options.baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [{ mode: 'server', resource: [...options.resources] }],
  };
}
