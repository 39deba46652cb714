import { describe, expect, it } from '@jest/globals';
import {
  BusinessRuleError,
  ConcurrencyError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '@carenet/eventsourcing';
import {
  badRequest,
  businessRule,
  conflict,
  errorToFhir,
  FhirError,
  forbidden,
  gone,
  notFound,
  preconditionFailed,
  unauthorized,
} from '../src/index.js';

describe('OperationOutcome builders', () => {
  it.each([
    [badRequest('x'), 400, 'invalid'],
    [unauthorized(), 401, 'login'],
    [forbidden('x'), 403, 'forbidden'],
    [notFound('x'), 404, 'not-found'],
    [conflict('x'), 409, 'conflict'],
    [gone('x'), 410, 'deleted'],
    [preconditionFailed('x'), 412, 'conflict'],
    [businessRule('task-accept-from-status', 'x'), 422, 'business-rule'],
  ])('%#: status %i, issue code %s', (error, status, code) => {
    expect(error).toBeInstanceOf(FhirError);
    expect(error.status).toBe(status);
    expect(error.outcome).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code }],
    });
  });

  it('401 carries the Bearer challenge', () => {
    expect(unauthorized().headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  });

  it('names the element in expression and the rule in details', () => {
    const error = businessRule('task-accept-from-status', 'cannot accept a completed task', ['Task.status']);
    expect(error.outcome.issue[0]).toMatchObject({
      expression: ['Task.status'],
      details: { coding: [{ code: 'task-accept-from-status' }] },
    });
  });
});

describe('the one error mapping at the edge', () => {
  it.each([
    [new ConcurrencyError('Task-1', '3', 4), 409],
    [new PreconditionFailedError('Task-1', 3, 4), 412],
    [new NotFoundError('Task-1'), 404],
    [new GoneError('Task-1'), 410],
    [new BusinessRuleError('rule-x', 'no'), 422],
    // Valid R4 outside the network's rules (a body that is not R4 is refused before, with 400).
    [new ValidationError([{ path: 'Task.status', message: 'required' }]), 422],
    [new ForbiddenError('only the owner accepts a task'), 403],
  ])('%s → %i', (error, status) => {
    expect(errorToFhir(error, 'c-1').status).toBe(status);
  });

  it('keeps the rule code and the element path', () => {
    expect(
      errorToFhir(new BusinessRuleError('rule-x', 'no'), 'c').outcome.issue[0]?.details?.coding?.[0]?.code,
    ).toBe('rule-x');
    expect(
      errorToFhir(new ValidationError([{ path: 'Task.status', message: 'required' }]), 'c').outcome.issue[0]
        ?.expression,
    ).toEqual(['Task.status']);
  });

  it('turns anything else into a generic 500 that names only the correlation id', () => {
    const fhir = errorToFhir(new TypeError('secret internals at /srv/app.js:12'), 'req-42');
    expect(fhir.status).toBe(500);
    expect(JSON.stringify(fhir.outcome)).not.toContain('secret');
    expect(fhir.outcome.issue[0]?.diagnostics).toContain('req-42');
  });
});
