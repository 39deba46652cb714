import type { Observation, Patient, Resource, RiskAssessment, Task } from 'fhir/r4.js';
import {
  IndexValueExtractor,
  parseSearchRequest,
  SearchParameterRegistry,
  type SearchRequest,
} from '../../src/search/index.js';

/** Shared by the storage tests: the registry, realistic Tasks and Patients, and a parser. */
export const INS = 'urn:oid:1.2.250.1.213.1.4.8';
export const IDNPS = 'urn:oid:1.2.250.1.71.4.2.1';
export const NOW = new Date('2026-06-15T12:00:00.000Z');
export const TASK_CODE = 'http://hl7.org/fhir/CodeSystem/task-code';

export const registry = SearchParameterRegistry.r4({
  supported: {
    Task: 'all',
    Patient: 'all',
    Observation: ['code', 'value-quantity', 'status'],
    RiskAssessment: ['probability'],
  },
});
export const extractor = new IndexValueExtractor(registry);

/** A small deterministic PRNG (mulberry32), so that failures replay. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, values: readonly T[]): T {
  const index = Math.floor(next() * values.length);
  if (index >= values.length) throw new Error('empty choice');
  return values[index] as T;
}

const STATUSES = ['requested', 'received', 'accepted', 'in-progress', 'completed', 'cancelled'] as const;
const PRIORITIES = ['routine', 'urgent', 'asap', 'stat', undefined] as const;
const AUTHORED = [
  '2026-05',
  '2026-05-28',
  '2026-05-28T14:05:00+02:00',
  '2026-06-01T00:00:00Z',
  '2026-06-15T12:00:00.250Z',
  '2025-12-31',
  '2026',
  undefined,
];
const PERIODS: readonly (Task['executionPeriod'] | undefined)[] = [
  { start: '2026-06-01', end: '2026-06-30T18:00:00+02:00' },
  { start: '2026-06-10' },
  { end: '2026-05-31T23:59:59Z' },
  { start: '2026-06-15T08:00:00Z', end: '2026-06-15T09:00:00Z' },
  { start: '2026-05-01', end: '2026-07-31' },
  { start: '2026-07-02', end: '2026-07-02' },
  undefined,
];
const BUSINESS = [
  'En attente de l’infirmière',
  'Taux 50% atteint',
  'Taux 5000 atteint',
  'file_a',
  'fileXa',
  'Œdème suivi',
];

/** A realistic delegated Task, varied by `i`. */
export function makeTask(i: number, next: () => number): Task {
  const owner = pick(next, ['idnps', 'idnps', 'idnps', 'local', 'none'] as const);
  const subject = pick(next, ['ins', 'ins', 'ins-untyped', 'local', 'none'] as const);
  const status = pick(next, STATUSES);
  const priority = pick(next, PRIORITIES);
  const authoredOn = pick(next, AUTHORED);
  const period = pick(next, PERIODS);
  const restriction = pick(next, PERIODS);
  const business = pick(next, [...BUSINESS, undefined]);
  const code = pick(next, ['fulfill', 'approve', 'abort', undefined] as const);
  const ownerNumber = `81000000000${Math.floor(next() * 4)}`;
  const patientNumber = `18405721234${String(Math.floor(next() * 5)).padStart(2, '0')}`;
  return {
    resourceType: 'Task',
    id: `task-${String(i).padStart(3, '0')}`,
    ...(i % 3 !== 0 && {
      meta: {
        source: i % 3 === 1 ? 'urn:carenet:gateway' : 'https://carenet.example.org/fhir/sources/app_1',
        profile: [`https://carenet.example.org/fhir/StructureDefinition/task-${i % 2 === 0 ? 'a' : 'b'}`],
      },
    }),
    identifier: [{ system: 'https://carenet.example.org/fhir/task-id', value: `T-${i}` }],
    status,
    intent: pick(next, ['order', 'plan'] as const),
    ...(priority !== undefined && { priority }),
    ...(authoredOn !== undefined && { authoredOn }),
    ...(period !== undefined && { executionPeriod: period }),
    ...(restriction !== undefined && { restriction: { repetitions: 1, period: restriction } }),
    ...(business !== undefined && { businessStatus: { text: business } }),
    ...(code !== undefined && {
      code: { coding: [{ system: TASK_CODE, code, display: `Task ${code}` }], text: `Réaliser ${code}` },
    }),
    ...(owner === 'idnps' && {
      owner: { identifier: { system: IDNPS, value: ownerNumber }, type: 'Practitioner' },
    }),
    ...(owner === 'local' && { owner: { reference: `Practitioner/p-${ownerNumber}` } }),
    ...(i % 4 === 1 && { lastModified: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z` }),
    requester: { identifier: { system: IDNPS, value: pick(next, ['810000000001', '899999999999']) } },
    ...(subject === 'ins' && { for: { identifier: { system: INS, value: patientNumber }, type: 'Patient' } }),
    ...(subject === 'ins-untyped' && { for: { identifier: { system: INS, value: patientNumber } } }),
    ...(subject === 'local' && { for: { reference: `Patient/pat-${patientNumber}` } }),
    ...(i % 7 === 3 && { partOf: [{ reference: `Task/task-${String(i - 1).padStart(3, '0')}` }] }),
  };
}

export const patients: Patient[] = [
  { resourceType: 'Patient', id: 'pat-1', name: [{ family: 'Dupré', given: ['Hélène'] }], gender: 'female' },
  { resourceType: 'Patient', id: 'pat-1b', name: [{ family: 'dupré', given: ['Hélène'] }] },
  { resourceType: 'Patient', id: 'pat-2', name: [{ family: 'Le_Gall', given: ['Yann'] }], gender: 'male' },
  { resourceType: 'Patient', id: 'pat-3', name: [{ family: 'LeXGall', given: ['Anne'] }] },
  { resourceType: 'Patient', id: 'pat-4', name: [{ family: '100% Martin', given: ['Œdipe'] }] },
  {
    resourceType: 'Patient',
    id: 'pat-5',
    name: [{ family: 'dupre', given: ['Jean', 'Paul'] }],
    active: true,
  },
  { resourceType: 'Patient', id: 'pat-6', name: [{ family: 'A'.repeat(300) + 'z' }] },
  { resourceType: 'Patient', id: 'pat-7', name: [{ family: 'A'.repeat(300) + 'y' }] },
];

/** Parses a query (throws on errors); `_count` up to 1,000. */
export function search(type: string, query: string): SearchRequest {
  const result = parseSearchRequest(type, new URLSearchParams(query), {
    registry,
    now: NOW,
    maxCount: 1000,
    defaultCount: 1000,
  });
  if (!result.ok) throw new Error(`${query}: ${JSON.stringify(result.errors)}`);
  return result.request;
}

export function idsOf(resources: readonly Resource[]): string[] {
  return resources.map((r) => r.id ?? '?');
}

const UCUM = 'http://unitsofmeasure.org';

/** Observations with quantities: UCUM codes, units only, no unit, negative and tiny values. */
export const observations: Observation[] = [
  [120, UCUM, 'mm[Hg]', 'mmHg'],
  [100, UCUM, 'mm[Hg]', 'mmHg'],
  [99.5, UCUM, 'mm[Hg]', 'mmHg'],
  [100.5, UCUM, 'mm[Hg]', 'mmHg'],
  [37.2, UCUM, 'Cel', '°C'],
  [5.4, undefined, undefined, 'mmol/L'],
  [-3, undefined, undefined, undefined],
  [0.001, UCUM, 'g', 'g'],
  [150, UCUM, 'mg', 'mg'],
].map(([value, system, code, unit], i) => ({
  resourceType: 'Observation',
  id: `obs-${i}`,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
  valueQuantity: {
    value: value as number,
    ...(system !== undefined && { system: system as string }),
    ...(code !== undefined && { code: code as string }),
    ...(unit !== undefined && { unit: unit as string }),
  },
}));

export const riskAssessments: RiskAssessment[] = [0.05, 0.1, 0.15, 0.5, 0.95, 1, 0.099].map(
  (probability, i) => ({
    resourceType: 'RiskAssessment',
    id: `risk-${i}`,
    status: 'final',
    subject: { reference: 'Patient/pat-1' },
    prediction: [{ probabilityDecimal: probability }],
  }),
);
