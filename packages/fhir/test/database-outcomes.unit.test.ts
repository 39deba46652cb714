// The database away or full, at the FHIR edge: 503 with Retry-After, or 507; an OperationOutcome
// either way, never a 500, and never the driver's words (host names, file paths).
import { describe, expect, it } from '@jest/globals';
import { DatabaseFullError, DatabaseUnavailableError } from '@carenet/eventsourcing';
import { DATABASE_RETRY_AFTER_SECONDS, errorToFhir } from '../src/index.js';

describe('database failures at the FHIR edge', () => {
  it('answers 503, issue code transient, with Retry-After, when the database is unavailable', () => {
    const fhir = errorToFhir(
      new DatabaseUnavailableError('connect ECONNREFUSED 10.1.2.3:5432', 'ECONNREFUSED'),
      'c-1',
    );
    expect(fhir.status).toBe(503);
    expect(fhir.headers).toEqual({ 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) });
    expect(DATABASE_RETRY_AFTER_SECONDS).toBe(2);
    expect(fhir.outcome.resourceType).toBe('OperationOutcome');
    expect(fhir.outcome.issue).toHaveLength(1);
    expect(fhir.outcome.issue[0]).toMatchObject({ severity: 'error', code: 'transient' });
    expect(fhir.outcome.issue[0]?.diagnostics).toMatch(/database is unavailable/);
    expect(JSON.stringify(fhir.outcome)).not.toContain('10.1.2.3');
  });

  it('answers 507, issue code exception, when the database has no space left', () => {
    const fhir = errorToFhir(
      new DatabaseFullError('could not extend file "base/5/16390": No space left on device', '53100'),
      'c-2',
    );
    expect(fhir.status).toBe(507);
    expect(fhir.outcome.issue[0]).toMatchObject({ severity: 'error', code: 'exception' });
    expect(fhir.outcome.issue[0]?.diagnostics).toMatch(/no space left/);
    expect(JSON.stringify(fhir.outcome)).not.toContain('base/5');
  });
});
