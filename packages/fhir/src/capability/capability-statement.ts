import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
  CapabilityStatementRestResourceOperation,
  CapabilityStatementRestResourceSearchParam,
} from 'fhir/r4.js';

/** What a service really serves for one resource type; the statement is built from this only. */
export interface RegisteredResourceType {
  readonly type: CapabilityStatementRestResource['type'];
  readonly interactions: readonly CapabilityStatementRestResourceInteraction['code'][];
  readonly searchParams?: readonly {
    name: string;
    type: CapabilityStatementRestResourceSearchParam['type'];
    documentation?: string;
  }[];
  readonly operations?: readonly { name: string; definition: string }[];
  readonly conditionalCreate?: boolean;
  readonly updateCreate?: boolean;
  readonly conditionalUpdate?: boolean;
  readonly searchInclude?: readonly string[];
  readonly searchRevInclude?: readonly string[];
  readonly profile?: string;
}

export interface CapabilityOptions {
  /** FHIR base URL as clients see it. */
  readonly baseUrl: string;
  readonly softwareVersion: string;
  /** When this server instance started (CapabilityStatement.date). */
  readonly startedAt: string;
  readonly resources: readonly RegisteredResourceType[];
}

function restResource(r: RegisteredResourceType): CapabilityStatementRestResource {
  const interactions = new Set(r.interactions);
  const operations: CapabilityStatementRestResourceOperation[] = (r.operations ?? []).map((o) => ({
    name: o.name,
    definition: o.definition,
  }));
  return {
    type: r.type,
    ...(r.profile && { profile: r.profile }),
    interaction: r.interactions.map((code) => ({ code })),
    versioning: 'versioned',
    readHistory: interactions.has('vread'),
    updateCreate: r.updateCreate ?? false,
    conditionalCreate: r.conditionalCreate ?? false,
    conditionalUpdate: r.conditionalUpdate ?? false,
    ...(r.searchInclude && r.searchInclude.length > 0 && { searchInclude: [...r.searchInclude] }),
    ...(r.searchRevInclude && r.searchRevInclude.length > 0 && { searchRevInclude: [...r.searchRevInclude] }),
    ...(r.searchParams &&
      r.searchParams.length > 0 && { searchParam: r.searchParams.map((p) => ({ ...p })) }),
    ...(operations.length > 0 && { operation: operations }),
  };
}

/**
 * The CapabilityStatement (FHIR R4 4.0.1) of what is registered: it can never claim a type,
 * interaction, search parameter or operation that is not implemented.
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
    rest: [
      {
        mode: 'server',
        resource: [...options.resources].sort((a, b) => a.type.localeCompare(b.type)).map(restResource),
      },
    ],
  };
}
