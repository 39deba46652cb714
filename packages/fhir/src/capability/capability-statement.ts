import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestSecurity,
  Extension,
  OperationDefinition,
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

/** How the server is secured, for `rest.security` (claims only what the composition root sets up). */
export interface CapabilitySecurity {
  /** Requests carry SMART on FHIR bearer tokens (SMART-on-FHIR service, OAuth URIs extension). */
  readonly smart: boolean;
  /** The authorization server's OAuth endpoints, when known (the `oauth-uris` extension). */
  readonly oauthUris?: {
    readonly token?: string;
    readonly authorize?: string;
    readonly register?: string;
    readonly manage?: string;
    readonly introspect?: string;
    readonly revoke?: string;
  };
  /** CORS headers are served (an allow list of origins is configured). */
  readonly cors: boolean;
  readonly description?: string;
}

export interface CapabilityOptions {
  /** FHIR base URL as clients see it. */
  readonly baseUrl: string;
  readonly softwareVersion: string;
  /** When this server instance started (CapabilityStatement.date). */
  readonly startedAt: string;
  readonly resources: readonly RegisteredResourceType[];
  /** `rest.security`; none when absent. */
  readonly security?: CapabilitySecurity;
  /**
   * The OperationDefinitions the server serves (`GET [base]/OperationDefinition/<id>`): when some
   * are, the statement lists OperationDefinition with the `read` interaction.
   */
  readonly operationDefinitions?: readonly OperationDefinition[];
  /** `rest.interaction`: the system interactions served (`batch`, `transaction`), with what they do. */
  readonly systemInteractions?: readonly {
    readonly code: 'batch' | 'transaction';
    readonly documentation: string;
  }[];
}

/**
 * The media types `PATCH` takes (CapabilityStatement.patchFormat): JSON Patch, and FHIRPath Patch
 * (a `Parameters` resource as `application/fhir+json`).
 */
export const PATCH_FORMATS: readonly string[] = ['application/json-patch+json', 'application/fhir+json'];

/** `http://terminology.hl7.org/CodeSystem/restful-security-service`, code `SMART-on-FHIR`. */
export const SMART_ON_FHIR_SERVICE = {
  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
  code: 'SMART-on-FHIR',
  display: 'SMART-on-FHIR',
} as const;

/** The extension carrying the OAuth endpoints in `rest.security` (SMART App Launch). */
export const OAUTH_URIS_EXTENSION = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';

/**
 * The SMART `oauth-uris` extension requires both `authorize` and `token` (the HL7 validator
 * refuses it otherwise): a server for backend services only, with a token endpoint and no
 * authorization endpoint, leaves it out and is discovered by `.well-known/smart-configuration`.
 */
function restSecurity(security: CapabilitySecurity): CapabilityStatementRestSecurity {
  const uris = Object.entries(security.oauthUris ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const complete = security.oauthUris?.authorize !== undefined && security.oauthUris.token !== undefined;
  const extension: Extension[] =
    !complete || uris.length === 0
      ? []
      : [{ url: OAUTH_URIS_EXTENSION, extension: uris.map(([url, valueUri]) => ({ url, valueUri })) }];
  return {
    ...(extension.length > 0 && { extension }),
    cors: security.cors,
    ...(security.smart && { service: [{ coding: [{ ...SMART_ON_FHIR_SERVICE }], text: 'SMART on FHIR' }] }),
    ...(security.description !== undefined && { description: security.description }),
  };
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
 * `rest.documentation` when some type is searchable: how searches treat what they do not know
 * (R4 leaves it to the server; the `Prefer: handling` header of the client decides) and what
 * `_summary`/`_elements` keep.
 */
export const SEARCH_HANDLING_DOCUMENTATION =
  'Search: an unknown or unsupported search parameter is ignored (R4 default, also with ' +
  '`Prefer: handling=lenient`): the searchset Bundle lists it in an OperationOutcome entry ' +
  '(`search.mode` = `outcome`) and its `self` link shows only the parameters applied. With ' +
  '`Prefer: handling=strict` it is a 400 OperationOutcome naming the parameter. `_summary=count` ' +
  'returns `total` without entries; `_elements` and `_summary=true|text|data`, on search and read, ' +
  'keep the mandatory elements of the type and tag the resource SUBSETTED; `_elements` does not ' +
  'apply to `_include`d resources.';

/**
 * The CapabilityStatement (FHIR R4 4.0.1) of what is registered: it can never claim a type,
 * interaction, search parameter or operation that is not implemented.
 */
export function buildCapabilityStatement(options: CapabilityOptions): CapabilityStatement {
  const resources: RegisteredResourceType[] = [...options.resources];
  if (
    (options.operationDefinitions ?? []).length > 0 &&
    !resources.some((r) => r.type === 'OperationDefinition')
  ) {
    resources.push({ type: 'OperationDefinition', interactions: ['read'] });
  }
  const patch = resources.some((r) => r.interactions.includes('patch'));
  const search = resources.some((r) => r.interactions.includes('search-type'));
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
    ...(patch && { patchFormat: [...PATCH_FORMATS] }),
    rest: [
      {
        mode: 'server',
        ...(search && { documentation: SEARCH_HANDLING_DOCUMENTATION }),
        ...(options.security && { security: restSecurity(options.security) }),
        resource: resources.sort((a, b) => a.type.localeCompare(b.type)).map(restResource),
        ...((options.systemInteractions ?? []).length > 0 && {
          interaction: (options.systemInteractions ?? []).map((i) => ({ ...i })),
        }),
      },
    ],
  };
}
