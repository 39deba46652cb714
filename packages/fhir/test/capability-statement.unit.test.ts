import { describe, expect, it } from '@jest/globals';
import { buildCapabilityStatement } from '../src/index.js';

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
});
