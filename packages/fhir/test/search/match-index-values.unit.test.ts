import { describe, expect, it } from '@jest/globals';
import {
  dateMatches,
  IndexValueExtractor,
  numberMatches,
  parseDate,
  parseSearchRequest,
  searchMatches,
  type DateMatch,
  type DateRange,
  type NumberMatch,
  type SearchPrefix,
} from '../../src/search/index.js';
import { parseDecimal } from '../../src/search/decimal-range.js';
import { BASE_URL, carePlan, IDNPS, INS, NOW, patient, registry, RPPS, task } from './search-fixtures.js';

function dateMatch(prefix: SearchPrefix, value: string): DateMatch {
  const parsed = parseDate(value);
  if (!parsed) throw new Error(value);
  return { prefix, raw: value, precision: parsed.precision, range: parsed.range };
}

function range(value: string): DateRange {
  const parsed = parseDate(value);
  if (!parsed) throw new Error(value);
  return parsed.range;
}

const period = (start: string, end: string): DateRange => ({ start, end });

describe('date prefixes (R4 table), search value 2026-06 = [06-01, 06-30T23:59:59.999]', () => {
  const targets: [string, DateRange][] = [
    ['2026-06-15 (inside)', range('2026-06-15')],
    ['2026-06 (same)', range('2026-06')],
    ['2026-05-31 (before)', range('2026-05-31')],
    ['2026-07-01 (after)', range('2026-07-01')],
    ['2026 (contains it)', range('2026')],
    ['05-20..06-10 (overlaps start)', period('2026-05-20T00:00:00.000Z', '2026-06-10T00:00:00.000Z')],
    ['06-20..07-10 (overlaps end)', period('2026-06-20T00:00:00.000Z', '2026-07-10T00:00:00.000Z')],
    ['06-20..infinity (open end)', period('2026-06-20T00:00:00.000Z', 'infinity')],
    ['-infinity..05-01 (open start)', period('-infinity', '2026-05-01T00:00:00.000Z')],
  ];
  // expected per prefix, in the order of `targets`
  const table: Record<SearchPrefix, boolean[]> = {
    eq: [true, true, false, false, false, false, false, false, false],
    ne: [false, false, true, true, true, true, true, true, true],
    gt: [false, false, false, true, true, false, true, true, false],
    lt: [false, false, true, false, true, true, false, false, true],
    ge: [true, true, false, true, true, false, true, true, false],
    le: [true, true, true, false, true, true, false, false, true],
    sa: [false, false, false, true, false, false, false, false, false],
    eb: [false, false, true, false, false, false, false, false, true],
    ap: [true, true, false, false, true, true, true, true, false],
  };
  for (const [prefix, expected] of Object.entries(table) as [SearchPrefix, boolean[]][]) {
    it.each(targets.map(([label, target], i) => [label, target, expected[i]] as const))(
      `${prefix}2026-06 on %s → %s`,
      (_label, target, result) => {
        expect(dateMatches(dateMatch(prefix, '2026-06'), target)).toBe(result);
      },
    );
  }

  it('ap uses the widened range', () => {
    const m: DateMatch = {
      ...dateMatch('ap', '2026-06'),
      approximate: period('2026-05-25T00:00:00.000Z', '2026-07-05T00:00:00.000Z'),
    };
    expect(dateMatches(m, range('2026-05-31'))).toBe(true);
    expect(dateMatches(m, range('2026-05-20'))).toBe(false);
  });

  it('boundaries are inclusive at the millisecond', () => {
    expect(dateMatches(dateMatch('eq', '2026-06'), range('2026-06-30T23:59:59.999Z'))).toBe(true);
    expect(dateMatches(dateMatch('eq', '2026-06'), range('2026-07-01T00:00:00.000Z'))).toBe(false);
    expect(dateMatches(dateMatch('gt', '2026-06'), range('2026-07-01T00:00:00.000Z'))).toBe(true);
    expect(dateMatches(dateMatch('lt', '2026-06'), range('2026-05-31T23:59:59.999Z'))).toBe(true);
  });
});

describe('number prefixes', () => {
  const match = (prefix: SearchPrefix, raw: string): NumberMatch => {
    const number = parseDecimal(raw);
    if (!number) throw new Error(raw);
    return { prefix, number };
  };
  it.each([
    ['eq', '100', 99.5, true],
    ['eq', '100', 100.4999, true],
    ['eq', '100', 100.5, false],
    ['eq', '100', 99.49, false],
    ['eq', '100.00', 100.004, true],
    ['eq', '100.00', 100.006, false],
    ['ne', '100', 100.2, false],
    ['ne', '100', 101, true],
    ['gt', '100', 100.2, true],
    ['gt', '100', 100, false],
    ['ge', '100', 100, true],
    ['lt', '100', 99.9, true],
    ['le', '100', 100, true],
    ['le', '100', 100.1, false],
    ['sa', '100', 100.1, true],
    ['eb', '100', 99.9, true],
  ] as const)('%s%s on %d → %s', (prefix, raw, value, expected) => {
    expect(numberMatches(match(prefix, raw), value)).toBe(expected);
  });

  it('ap: ±10%', () => {
    const m: NumberMatch = { ...match('ap', '100'), approximate: { low: 90, high: 110 } };
    expect(numberMatches(m, 109)).toBe(true);
    expect(numberMatches(m, 111)).toBe(false);
  });
});

describe('parse + extract + match, end to end', () => {
  const extractor = new IndexValueExtractor(registry, { localBaseUrls: [BASE_URL] });
  const indexed = {
    Task: extractor.extract(task),
    CarePlan: extractor.extract(carePlan),
    Patient: extractor.extract(patient),
  };

  function finds(type: keyof typeof indexed, query: string): boolean {
    const result = parseSearchRequest(type, new URLSearchParams(query), {
      registry,
      now: NOW,
      localBaseUrls: [BASE_URL],
    });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return searchMatches(result.request, indexed[type]);
  }

  it.each([
    ['Task', 'status=requested', true],
    ['Task', 'status=requested,accepted', true],
    ['Task', 'status=accepted', false],
    ['Task', 'status:not=completed', true],
    ['Task', 'status:not=requested', false],
    ['Task', 'status=requested&intent=plan', false],
    ['Task', 'code=http://hl7.org/fhir/CodeSystem/task-code|fulfill', true],
    ['Task', 'code=|fulfill', false],
    ['Task', 'code=http://hl7.org/fhir/CodeSystem/task-code|', true],
    ['Task', 'code:text=realiser', true],
    ['Task', 'code:text=pansement', false],
    ['Task', 'performer=urn:oid:1.2.250.1.213.1.1.4.5|60', true],
    ['Task', 'performer:text=infirmier dipl', true],
    ['Task', `subject:identifier=${INS}|1840572123456`, true],
    ['Task', `patient:identifier=${INS}|1840572123456`, true],
    ['Task', `subject:identifier=${INS}|0000000000000`, false],
    ['Task', `subject.identifier=${INS}|1840572123456`, true],
    ['Task', `subject:Patient.identifier=${INS}|1840572123456`, true],
    ['Task', `subject:Group.identifier=${INS}|1840572123456`, false],
    ['Task', `owner:identifier=${IDNPS}|820009876543`, true],
    ['Task', `owner:identifier=${IDNPS}|`, true],
    ['Task', `requester:identifier=${RPPS}|810001234567`, false],
    ['Task', 'owner:missing=false', true],
    ['Task', 'encounter=Encounter/enc-1', true],
    ['Task', 'encounter=enc-1', true],
    ['Task', 'part-of=parent-1', true],
    ['Task', `part-of=${BASE_URL}/Task/parent-1`, true],
    ['Task', 'based-on=CarePlan/ppcs-1', true],
    ['Task', 'authored-on=2026-05-28', true],
    ['Task', 'authored-on=2026-05-27', false],
    ['Task', 'authored-on=ge2026-05-28T12:05:00Z', true],
    ['Task', 'authored-on=gt2026-05-28T12:05:00Z', false],
    ['Task', 'period=2026-06', true],
    ['Task', 'period=ge2026-06-15', true],
    ['Task', 'period=sa2026-05-31', true],
    ['Task', 'period=eb2026-07-01', true],
    ['Task', 'period=eb2026-06-30', false],
    ['Task', 'modified=lt2026-06', true],
    ['Task', '_lastUpdated=2026-06-01', true],
    ['Task', '_id=task-1,task-2', true],
    ['Task', '_tag=https://carenet.example.org/fhir/CodeSystem/tag|protocol', true],
    ['Task', '_security:missing=true', true],
    ['Task', '_profile=https://carenet.example.org/fhir/StructureDefinition/delegated-task', true],
    ['CarePlan', 'date=ge2026-06-01', true],
    ['CarePlan', 'date=lt2026-06-01', false],
    ['CarePlan', 'activity-date=2026-06-03', true],
    ['CarePlan', 'activity-date=ge2026-07-02', true],
    ['CarePlan', 'activity-date=lt2026-05-01', false],
    ['CarePlan', 'patient=pat-1', true],
    ['CarePlan', 'subject=Patient/pat-1', true],
    ['CarePlan', `subject:identifier=${INS}|1840572123456`, true],
    ['CarePlan', `performer:identifier=${RPPS}|10001234567`, true],
    ['CarePlan', 'activity-reference=Task/task-1', true],
    ['CarePlan', 'instantiates-canonical=PlanDefinition/ppcs-diabete', true],
    ['CarePlan', 'instantiates-uri:below=https://has-sante.fr/ppcs', true],
    ['CarePlan', 'instantiates-uri=https://has-sante.fr/ppcs', false],
    ['CarePlan', 'instantiates-uri:above=https://has-sante.fr/ppcs/diabete/v2', true],
    ['CarePlan', 'activity-code=http://snomed.info/sct|225358003', true],
    ['Patient', 'name=dupre', true],
    ['Patient', 'name=HÉL', true],
    ['Patient', 'name=lene', false],
    ['Patient', 'name:contains=lene', true],
    ['Patient', 'family:exact=Dupré', true],
    ['Patient', 'family:exact=Dupre', false],
    ['Patient', 'address=saint-etienne', true],
    ['Patient', 'address:contains=oeuvre', true],
    ['Patient', 'birthdate=1984', true],
    ['Patient', 'birthdate=1984-05-15', false],
    ['Patient', 'birthdate=ne1984-05-15', true],
    ['Patient', 'birthdate=1984-05', true],
    ['Patient', 'birthdate=lt1984-05-15', true],
    ['Patient', 'birthdate=ap1984-05', true],
    ['Patient', 'phone=%2B33612345678', true],
    ['Patient', 'telecom=phone|%2B33612345678', true],
    ['Patient', 'telecom=email|%2B33612345678', false],
    ['Patient', 'active=true', true],
    ['Patient', `identifier=${INS}|1840572123456`, true],
    ['Patient', `general-practitioner:identifier=${RPPS}|10001234567`, true],
  ] as const)('%s?%s → %s', (type, query, expected) => {
    expect(finds(type, query)).toBe(expected);
  });
});
