import { describe, expect, it } from '@jest/globals';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import { narrowExpression, rewriteResolve, splitUnion } from '../../src/search/index.js';

describe('splitUnion', () => {
  it.each([
    ['Task.for', ['Task.for']],
    ['Task.for | CarePlan.subject', ['Task.for', 'CarePlan.subject']],
    [
      '(RiskAssessment.occurrence.ofType(dateTime)) | List.date',
      ['(RiskAssessment.occurrence.ofType(dateTime))', 'List.date'],
    ],
    ["A.x.where(y = 'a|b') | B.z", ["A.x.where(y = 'a|b')", 'B.z']],
    ["A.x.where(y = 'it\\'s|') | B.z", ["A.x.where(y = 'it\\'s|')", 'B.z']],
    ['A.x.where((a | b).exists()) | B.y', ['A.x.where((a | b).exists())', 'B.y']],
  ])('%s', (expression, parts) => {
    expect(splitUnion(expression)).toEqual(parts);
  });
});

describe('narrowExpression', () => {
  const shared = ['Task', 'CarePlan', 'Observation'];
  it.each([
    ['Task.for | CarePlan.subject', 'Task', shared, 'Task.for'],
    ['Task.for | CarePlan.subject', 'CarePlan', shared, 'CarePlan.subject'],
    ['Task.for | CarePlan.subject', 'Observation', shared, undefined],
    [
      'Observation.code | Observation.component.code',
      'Observation',
      ['Observation', 'Task'],
      'Observation.code | Observation.component.code',
    ],
    [
      '(Observation.value.ofType(CodeableConcept)).text',
      'Observation',
      ['Observation'],
      '(Observation.value.ofType(CodeableConcept)).text',
    ],
    ['name | alias', 'InsurancePlan', ['InsurancePlan'], 'name | alias'],
    ['Resource.meta.lastUpdated', 'Task', ['Resource'], 'Task.meta.lastUpdated'],
  ])('%s for %s', (expression, type, base, narrowed) => {
    expect(narrowExpression(expression, type, base)).toBe(narrowed);
  });
});

describe('rewriteResolve', () => {
  const expression = rewriteResolve('Task.for.where(resolve() is Patient)');
  const evaluate = fhirpath.compile(expression, r4Model);

  it('leaves no resolve()', () => {
    expect(expression).not.toContain('resolve');
    expect(
      rewriteResolve('A.b | A.c.where(resolve() is Location) | A.d.where(resolve() is Patient)'),
    ).toMatch(
      /^A\.b \| A\.c\.where\(reference\.matches\('\^\(\.\*\/\)\?Location\/.*A\.d\.where\(reference\.matches\('\^\(\.\*\/\)\?Patient\//,
    );
  });

  it.each([
    [{ reference: 'Patient/1' }, 1],
    [{ reference: 'Patient/1/_history/2' }, 1],
    [{ reference: 'https://host/fhir/Patient/abc-1.2' }, 1],
    [{ reference: 'https://host/fhir/Patient/1/_history/9' }, 1],
    [{ reference: 'https://host/Patient/fhir/Practitioner/1' }, 0],
    [{ reference: 'XPatient/1' }, 0],
    [{ reference: 'Patient/' }, 0],
    [{ reference: 'Patient/1/extra' }, 0],
    [{ reference: 'Practitioner/1' }, 0],
    [{ identifier: { value: '1' }, type: 'Patient' }, 1],
    [{ identifier: { value: '1' }, type: 'http://hl7.org/fhir/StructureDefinition/Patient' }, 1],
    [{ identifier: { value: '1' }, type: 'Practitioner' }, 0],
    [{ identifier: { value: '1' } }, 0],
    [{ reference: '#p', type: 'Patient' }, 1],
  ])('%j → %i', (reference, count) => {
    expect(evaluate({ resourceType: 'Task', for: reference })).toHaveLength(count);
  });
});
