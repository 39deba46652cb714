import { describe, expect, it } from '@jest/globals';
import type { OperationDefinition } from 'fhir/r4.js';
import {
  buildCapabilityStatement,
  OperationDefinitionError,
  operationDefinitionsServed,
  SEARCH_HANDLING_DOCUMENTATION,
  type ResourceProvider,
} from '../src/index.js';

const base = {
  baseUrl: 'http://localhost:8080/fhir',
  softwareVersion: '0.1.0',
  startedAt: '2026-11-25T10:00:00.000Z',
};

describe('CapabilityStatement', () => {
  it('is an R4 (4.0.1) server statement for this instance', () => {
    expect(buildCapabilityStatement({ ...base, resources: [] })).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      date: '2026-11-25T10:00:00.000Z',
      implementation: { url: 'http://localhost:8080/fhir' },
      software: { name: 'carenet', version: '0.1.0' },
      format: ['application/fhir+json', 'json'],
      rest: [{ mode: 'server', resource: [] }],
    });
  });

  it('claims exactly what is registered', () => {
    const statement = buildCapabilityStatement({
      ...base,
      resources: [
        {
          type: 'Task',
          interactions: ['read', 'vread', 'create', 'search-type'],
          searchParams: [{ name: 'status', type: 'token' }],
          operations: [
            {
              name: 'transfer',
              definition: 'https://carenet.example.org/fhir/OperationDefinition/Task-transfer',
            },
          ],
          conditionalCreate: true,
        },
        { type: 'CarePlan', interactions: ['read'] },
      ],
    });
    expect(statement.rest?.[0]?.resource).toEqual([
      {
        type: 'CarePlan',
        interaction: [{ code: 'read' }],
        versioning: 'versioned',
        readHistory: false,
        updateCreate: false,
        conditionalCreate: false,
        conditionalUpdate: false,
      },
      {
        type: 'Task',
        interaction: [{ code: 'read' }, { code: 'vread' }, { code: 'create' }, { code: 'search-type' }],
        versioning: 'versioned',
        readHistory: true,
        updateCreate: false,
        conditionalCreate: true,
        conditionalUpdate: false,
        searchParam: [{ name: 'status', type: 'token' }],
        operation: [
          {
            name: 'transfer',
            definition: 'https://carenet.example.org/fhir/OperationDefinition/Task-transfer',
          },
        ],
      },
    ]);
  });

  it('says how searches handle unknown parameters when some type is searchable', () => {
    const searchable = buildCapabilityStatement({
      ...base,
      resources: [{ type: 'Task', interactions: ['read', 'search-type'] }],
    });
    expect(searchable.rest?.[0]?.documentation).toBe(SEARCH_HANDLING_DOCUMENTATION);
    expect(SEARCH_HANDLING_DOCUMENTATION).toMatch(/ignored.*Prefer: handling=strict.*400/s);
    const readOnly = buildCapabilityStatement({
      ...base,
      resources: [{ type: 'Task', interactions: ['read'] }],
    });
    expect(readOnly.rest?.[0]).not.toHaveProperty('documentation');
  });
});

describe('CapabilityStatement: security, patchFormat, OperationDefinitions', () => {
  it('leaves the oauth-uris extension out without an authorization endpoint (it requires both)', () => {
    const statement = buildCapabilityStatement({
      ...base,
      resources: [],
      security: { smart: true, cors: false, oauthUris: { token: 'https://auth.example.org/token' } },
    });
    expect(statement.rest?.[0]?.security?.extension).toBeUndefined();
    expect(statement.rest?.[0]?.security?.service?.[0]?.coding?.[0]?.code).toBe('SMART-on-FHIR');
  });

  it('states SMART on FHIR, the token endpoint and CORS in rest.security', () => {
    const statement = buildCapabilityStatement({
      ...base,
      resources: [],
      security: {
        smart: true,
        cors: true,
        oauthUris: {
          authorize: 'https://auth.example.org/authorize',
          token: 'https://auth.example.org/token',
        },
      },
    });
    expect(statement.rest?.[0]?.security).toEqual({
      extension: [
        {
          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          extension: [
            { url: 'authorize', valueUri: 'https://auth.example.org/authorize' },
            { url: 'token', valueUri: 'https://auth.example.org/token' },
          ],
        },
      ],
      cors: true,
      service: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
              code: 'SMART-on-FHIR',
              display: 'SMART-on-FHIR',
            },
          ],
          text: 'SMART on FHIR',
        },
      ],
    });
    expect(buildCapabilityStatement({ ...base, resources: [] }).rest?.[0]?.security).toBeUndefined();
    expect(
      buildCapabilityStatement({ ...base, resources: [], security: { smart: false, cors: false } }).rest?.[0]
        ?.security,
    ).toEqual({ cors: false });
  });

  it('lists JSON Patch and FHIRPath Patch as the patch formats only when some type takes PATCH', () => {
    expect(
      buildCapabilityStatement({ ...base, resources: [{ type: 'Task', interactions: ['read', 'patch'] }] })
        .patchFormat,
    ).toEqual(['application/json-patch+json', 'application/fhir+json']);
    expect(
      buildCapabilityStatement({ ...base, resources: [{ type: 'Task', interactions: ['read'] }] })
        .patchFormat,
    ).toBeUndefined();
  });

  it('lists the system interactions batch and transaction with their documentation, only when served', () => {
    const systemInteractions = [
      { code: 'batch' as const, documentation: 'each entry on its own' },
      { code: 'transaction' as const, documentation: 'atomic within one service only' },
    ];
    expect(
      buildCapabilityStatement({ ...base, resources: [], systemInteractions }).rest?.[0]?.interaction,
    ).toEqual(systemInteractions);
    expect(buildCapabilityStatement({ ...base, resources: [] }).rest?.[0]?.interaction).toBeUndefined();
  });

  it('claims the read of OperationDefinition when it serves some', () => {
    const statement = buildCapabilityStatement({
      ...base,
      resources: [{ type: 'Task', interactions: ['read'] }],
      operationDefinitions: [transfer],
    });
    expect(statement.rest?.[0]?.resource?.map((r) => [r.type, r.interaction?.map((i) => i.code)])).toEqual([
      ['OperationDefinition', ['read']],
      ['Task', ['read']],
    ]);
  });
});

const TRANSFER_URL = 'https://carenet.example.org/fhir/OperationDefinition/Task-transfer';
const transfer: OperationDefinition = {
  resourceType: 'OperationDefinition',
  id: 'Task-transfer',
  url: TRANSFER_URL,
  name: 'TaskTransfer',
  status: 'active',
  kind: 'operation',
  code: 'transfer',
  resource: ['Task'],
  system: false,
  type: false,
  instance: true,
};
const providerWith = (definition: string, name = 'transfer'): ResourceProvider => ({
  type: 'Task',
  operations: {
    [name]: { definition, handler: () => Promise.resolve({ resource: { resourceType: 'Parameters' } }) },
  },
});

describe('operationDefinitionsServed', () => {
  it('keeps the definitions of the operations registered, and only them', () => {
    const unused = { ...transfer, id: 'Task-other', url: TRANSFER_URL.replace('transfer', 'other') };
    expect(operationDefinitionsServed([providerWith(TRANSFER_URL)], [transfer, unused])).toEqual([transfer]);
    expect(operationDefinitionsServed([{ type: 'Goal' }], [transfer])).toEqual([]);
  });

  it('refuses an operation without its definition, or a definition that does not describe it', () => {
    expect(() => operationDefinitionsServed([providerWith(TRANSFER_URL)], [])).toThrow(
      OperationDefinitionError,
    );
    expect(() => operationDefinitionsServed([providerWith(TRANSFER_URL, 'move')], [transfer])).toThrow(
      'do not describe Task $move',
    );
    expect(() => operationDefinitionsServed([], [{ ...transfer, id: 'Other' }])).toThrow(
      'must end with /OperationDefinition/<id>',
    );
  });
});
