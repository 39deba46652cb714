import { describe, expect, it } from '@jest/globals';
import { FhirError, type Permission } from '@carenet/fhir';
import { describeMissingScope, missingScope, parseScope, ScopeSet } from '../src/index.js';

const granted = (scope: string, type: string) =>
  (['c', 'r', 'u', 'd', 's'] as const)
    .filter((p: Permission) => ScopeSet.parse(scope).allows(type, p))
    .join('');

describe('SMART scopes', () => {
  it.each([
    // v2
    ['system/Task.cruds', 'Task', 'cruds'],
    ['user/CarePlan.rs', 'CarePlan', 'rs'],
    ['user/CarePlan.rs', 'Task', ''],
    ['patient/*.rs', 'Consent', 'rs'],
    ['system/*.cruds', 'Goal', 'cruds'],
    ['user/Task.c', 'Task', 'c'],
    ['user/Task.cud', 'Task', 'cud'],
    ['user/Task.s', 'Task', 's'],
    // v1
    ['user/Task.read', 'Task', 'rs'],
    ['user/Task.write', 'Task', 'cud'],
    ['system/*.*', 'CareTeam', 'cruds'],
    ['patient/Task.*', 'Task', 'cruds'],
    ['user/*.read', 'DocumentReference', 'rs'],
    // several scopes add up
    ['user/Task.r user/Task.c system/CarePlan.s', 'Task', 'cr'],
    ['user/Task.read user/Task.write', 'Task', 'cruds'],
    // what grants nothing
    ['user/Task.rc', 'Task', ''],
    ['user/Task.crudsx', 'Task', ''],
    ['user/Task.', 'Task', ''],
    ['user/Task', 'Task', ''],
    ['user/Task.rr', 'Task', ''],
    ['*/*.cruds', 'Task', ''],
    ['admin/Task.cruds', 'Task', ''],
    ['user/task.cruds', 'task', ''],
    ['user/Task.cruds?status=requested', 'Task', ''],
    ['openid fhirUser launch/patient offline_access launch', 'Task', ''],
    ['', 'Task', ''],
    ['user/Task.READ', 'Task', ''],
  ])('%j grants %j: %j', (scope, type, expected) => {
    expect(granted(scope, type)).toBe(expected);
  });

  it.each([
    ['openid', 'other'],
    ['fhirUser', 'other'],
    ['launch/patient', 'other'],
    ['offline_access', 'other'],
    ['user/Task.rs', 'resource'],
    ['patient/Observation.rs?category=laboratory', 'resource'],
    ['user/Task.sr', 'invalid'],
    ['*/Task.rs', 'invalid'],
    ['user/Task.read?x=1', 'invalid'],
  ])('classifies %j as %s', (scope, kind) => {
    expect(parseScope(scope).kind).toBe(kind);
  });

  it('keeps a query-restricted scope, granting nothing', () => {
    expect(parseScope('patient/Observation.rs?category=laboratory')).toEqual({
      kind: 'resource',
      raw: 'patient/Observation.rs?category=laboratory',
      context: 'patient',
      resourceType: 'Observation',
      permissions: new Set(),
      syntax: 'v2',
      restriction: 'category=laboratory',
    });
  });

  it('says why a scope is invalid', () => {
    expect(parseScope('user/Task.rc')).toEqual({
      kind: 'invalid',
      raw: 'user/Task.rc',
      reason: '"rc" is not read, write, * or a subset of c, r, u, d, s in that order',
    });
    expect(ScopeSet.parse('openid user/Task.rc */*.r').invalid.map((s) => s.raw)).toEqual([
      'user/Task.rc',
      '*/*.r',
    ]);
  });

  it('accepts an scp array, tolerates extra spaces, drops duplicates', () => {
    const set = ScopeSet.parse(['user/Task.r', 'user/Task.r  user/Task.s ']);
    expect(set.toString()).toBe('user/Task.r user/Task.s');
    expect(set.allows('Task', 's')).toBe(true);
    expect(set.has('user/Task.r')).toBe(true);
  });

  it('tells in which contexts a permission is granted', () => {
    const set = ScopeSet.parse('patient/*.rs user/Task.r system/CarePlan.r');
    expect([...set.contextsAllowing('Task', 'r')].sort()).toEqual(['patient', 'user']);
    expect([...set.contextsAllowing('Task', 'c')]).toEqual([]);
  });

  it('names the scope needed in a 403', () => {
    expect(describeMissingScope('Task', 'c')).toBe(
      "the token's scopes do not grant create (c) on Task: a scope such as system/Task.c or user/Task.c is needed",
    );
    const error = missingScope('CarePlan', 's');
    expect(error).toBeInstanceOf(FhirError);
    expect(error.status).toBe(403);
    expect(error.outcome.issue[0]?.diagnostics).toContain('search (s) on CarePlan');
  });
});
