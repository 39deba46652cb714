import { describe, expect, it } from '@jest/globals';
import { type ValidationError, ValidationIssues } from '@carenet/eventsourcing';
import type { Reference } from 'fhir/r4.js';
import {
  IDENTIFIER_SYSTEMS,
  LITERAL_REFERENCE_SYSTEM,
  literalReferenceOf,
  partyOfReference,
  partyReference,
  patientOfReference,
  patientReference,
  sameParty,
  samePatient,
} from '../src/index.js';

const rpps = { system: IDENTIFIER_SYSTEMS.rpps, value: '10003456789' };
const ins = { system: IDENTIFIER_SYSTEMS.ins, value: '279035121518989' };

/** The issues collected, as the ValidationError they make lists them. */
function issuesOf(issues: ValidationIssues) {
  try {
    issues.throwIfAny();
    return [];
  } catch (error) {
    return (error as ValidationError).issues;
  }
}

function party(reference: Reference, contained?: Record<string, string>) {
  const issues = new ValidationIssues();
  const result = partyOfReference(reference, 'Task.owner', issues, (ref) => contained?.[ref]);
  return { result, issues: issuesOf(issues) };
}

function patient(reference: Reference, contained?: Record<string, string>) {
  const issues = new ValidationIssues();
  const result = patientOfReference(reference, 'Task.for', issues, (ref) => contained?.[ref]);
  return { result, issues: issuesOf(issues) };
}

describe('literal references', () => {
  it.each([
    ['Practitioner/f001', 'relative', 'Practitioner'],
    ['Patient/example/_history/2', 'relative', 'Patient'],
    [
      'https://ehr.example/fhir/Organization/1832473e-2fe0-452d-abe9-3cdb9879522f',
      'absolute',
      'Organization',
    ],
    ['#pr1', 'contained', undefined],
  ])('%s is a %s reference to %s', (reference, form, type) => {
    expect(literalReferenceOf(reference)).toEqual({ reference, form, ...(type && { type }) });
  });

  it.each([
    'Practitioner',
    'practitioner/1',
    'urn:uuid:9d1b5c3e-0000-4000-8000-000000000000',
    'ftp://x/Patient/1',
    '#',
    'Patient/a b',
  ])('%s is none', (reference) => {
    expect(literalReferenceOf(reference)).toBeUndefined();
  });
});

describe('parties by literal reference', () => {
  it.each([
    [{ reference: 'Practitioner/example', display: 'Dr Adam Careful' }, 'professional'],
    [{ reference: 'PractitionerRole/nurse-1' }, 'professional'],
    [
      { reference: 'Organization/1832473e-2fe0-452d-abe9-3cdb9879522f', type: 'Organization' },
      'organization',
    ],
    [{ reference: 'https://ehr.example/fhir/CareTeam/t1' }, 'organization'],
    [{ reference: 'Device/d1' }, 'system'],
  ] as [Reference, string][])(
    '%j is a %s, identified by the reference and served back as given',
    (reference, kind) => {
      const { result, issues } = party(reference);
      expect(issues).toEqual([]);
      expect(result?.kind).toBe(kind);
      expect(result?.identifier).toEqual({ system: LITERAL_REFERENCE_SYSTEM, value: reference.reference });
      expect(partyReference(result!)).toEqual(reference);
    },
  );

  it('takes the kind of a contained party from the contained resource', () => {
    const { result } = party({ reference: '#pr1' }, { '#pr1': 'Practitioner' });
    expect(result?.kind).toBe('professional');
    expect(party({ reference: '#nowhere' }).issues.map((i) => i.path)).toEqual(['Task.owner.reference']);
  });

  it('keeps the literal reference that comes with a national identifier, the identity staying the identifier', () => {
    const reference = { reference: 'Practitioner/p1', identifier: rpps, display: 'Dr P' };
    const { result } = party(reference);
    expect(result?.identifier).toEqual(rpps);
    expect(partyReference(result!)).toEqual({ ...reference, type: 'Practitioner' });
    expect(sameParty(result!, party({ identifier: rpps }).result!)).toBe(true);
  });

  it.each([
    [{ reference: 'Patient/example' }, 'Task.owner.reference', /not a party/],
    [{ reference: 'RelatedPerson/r1', type: 'RelatedPerson' }, 'Task.owner.type', /not a party/],
    [{ reference: 'Location/l1' }, 'Task.owner.reference', /not accepted/],
    [{ reference: 'not a reference' }, 'Task.owner.reference', /is not a relative reference/],
    [{ display: 'Dr Nobody' }, 'Task.owner.identifier', /national identifier .* or by literal reference/],
    [{ reference: 'Organization/o1', identifier: rpps }, 'Task.owner.type', /does not match/],
  ] as [Reference, string, RegExp][])('refuses %j at %s', (reference, path, message) => {
    const { result, issues } = party(reference);
    expect(result).toBeUndefined();
    expect(issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });
});

describe('patients by literal reference', () => {
  it.each([
    { reference: 'Patient/f001', display: 'P. van de Heuvel' },
    { reference: 'https://ehr.example/fhir/Patient/100' },
    { reference: 'Patient/example', type: 'Patient' },
  ] as Reference[])('%j is kept and served back as given', (reference) => {
    const { result, issues } = patient(reference);
    expect(issues).toEqual([]);
    expect(result).toMatchObject({ system: LITERAL_REFERENCE_SYSTEM, value: reference.reference });
    expect(patientReference(result!)).toEqual(reference);
  });

  it('names a contained Patient by #id, not another contained resource', () => {
    expect(patient({ reference: '#p' }, { '#p': 'Patient' }).issues).toEqual([]);
    expect(patient({ reference: '#c' }, { '#c': 'Condition' }).issues.map((i) => i.path)).toEqual([
      'Task.for.reference',
    ]);
  });

  it('compares patients by identifier only, whatever display or reference came with it', () => {
    const a = patient({ identifier: ins, display: 'A' }).result!;
    const b = patient({ identifier: ins, reference: 'Patient/x' }).result!;
    expect(samePatient(a, b)).toBe(true);
    expect(patientReference(b)).toEqual({ reference: 'Patient/x', type: 'Patient', identifier: ins });
  });

  it.each([
    [{ reference: 'Practitioner/x' }, 'Task.for.reference'],
    [{ reference: 'Patient/x', type: 'Group' }, 'Task.for.type'],
    [{ identifier: rpps }, 'Task.for.identifier.system'],
    [{ display: 'Someone' }, 'Task.for.identifier'],
  ] as [Reference, string][])('refuses %j at %s', (reference, path) => {
    expect(patient(reference).issues.map((i) => i.path)).toEqual([path]);
  });
});
