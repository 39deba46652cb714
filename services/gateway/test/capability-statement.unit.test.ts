import { describe, expect, it } from '@jest/globals';
import { buildCapabilityStatement } from '../src/fhir/capability-statement.js';

describe('CapabilityStatement', () => {
  const statement = buildCapabilityStatement({
    baseUrl: 'http://localhost:8080/fhir',
    softwareVersion: '0.1.0',
    startedAt: '2026-11-25T10:00:00.000Z',
    resources: [],
  });

  it('is an R4 (4.0.1) server statement for this instance', () => {
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      date: '2026-11-25T10:00:00.000Z',
      implementation: { url: 'http://localhost:8080/fhir' },
      software: { name: 'carenet', version: '0.1.0' },
    });
    expect(statement.format).toContain('application/fhir+json');
  });

  it('claims no resource type that is not registered', () => {
    expect(statement.rest?.[0]?.resource).toEqual([]);
  });
});
