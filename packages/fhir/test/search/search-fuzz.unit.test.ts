import { describe, expect, it } from '@jest/globals';
import { seededRandom as prng } from '@carenet/testing';
import { parseSearchRequest, type ParseSearchResult, type SearchQuery } from '../../src/search/index.js';
import { BASE_URL, INS, NOW, registry } from './search-fixtures.js';

const NAMES = [
  'status',
  'code',
  'subject',
  'patient',
  'owner',
  'authored-on',
  'period',
  'modified',
  'performer',
  'part-of',
  '_id',
  '_lastUpdated',
  '_tag',
  '_profile',
  '_count',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_cursor',
  '_format',
  '_has',
  '_filter',
  'foo',
  '',
  '_',
  '.',
  ':',
  'subject.identifier',
  'subject:Patient.identifier',
  'subject:identifier',
  'status:not',
  'status:text',
  'status:missing',
  'code:of-type',
  'subject:Patient',
  'subject.name',
  'name',
  'status:',
  ':status',
  'status::not',
  'subject..identifier',
  '_include:iterate',
];
const MODIFIERS = [
  '',
  ':not',
  ':text',
  ':missing',
  ':exact',
  ':contains',
  ':below',
  ':above',
  ':identifier',
  ':Patient',
  ':x',
  ':',
  '.identifier',
  '.x',
];
const FRAGMENTS = [
  'requested',
  'ge',
  'le',
  'ap',
  'eq',
  'sa',
  'xx',
  '2026',
  '-06',
  '-01',
  'T10:00',
  ':00',
  '.123',
  'Z',
  '+02:00',
  '|',
  ',',
  '\\',
  '\\,',
  '\\|',
  'Patient/',
  'p1',
  'http://x/fhir/Patient/1',
  INS,
  'true',
  'false',
  '1e2',
  '-',
  '.',
  '%',
  '%zz',
  '%00',
  '%0A',
  '%2C',
  '%7C',
  '%C3%A9',
  '%F0%9F%98%80',
  '%ED%A0%80',
  "'; DROP TABLE resources;--",
  '<script>',
  '${x}',
  '*',
  '?',
  '&',
  '=',
  ' ',
  '\u00e9',
  '\u0000',
  '\u202e',
  '\uD800',
  '\uFFFF',
  'Task:owner',
  'Task:*',
  'CarePlan:subject',
  '-authored-on',
  'none',
  'count',
  'status,for',
  '99999999999',
  'x'.repeat(100),
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function randomValue(rand: () => number): string {
  const n = Math.floor(rand() * 8);
  let v = '';
  for (let i = 0; i < n; i++) v += pick(rand, FRAGMENTS);
  if (rand() < 0.02) v = 'a'.repeat(1990 + Math.floor(rand() * 30));
  return v;
}

function randomQueryString(rand: () => number): string {
  const pairs: string[] = [];
  const n = Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    const name = pick(rand, NAMES) + (rand() < 0.3 ? pick(rand, MODIFIERS) : '');
    pairs.push(rand() < 0.1 ? name : `${name}=${randomValue(rand)}`);
  }
  return pairs.join(rand() < 0.05 ? ';' : '&');
}

function randomBytes(rand: () => number): string {
  const n = Math.floor(rand() * 64);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 0x2fff));
  return s;
}

function check(result: ParseSearchResult): void {
  if (result.ok) {
    for (const clause of result.request.clauses) {
      expect(registry.supportedParameter(result.request.resourceType, clause.parameter.code)).toBe(
        clause.parameter,
      );
    }
    expect(result.request.count).toBeGreaterThanOrEqual(0);
    expect(result.request.count).toBeLessThanOrEqual(100);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
  }
  for (const issue of [...(result.ok ? [] : result.errors), ...result.warnings]) {
    expect(typeof issue.parameter).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.message).not.toMatch(/\p{Cc}/u);
    expect(issue.parameter).not.toMatch(/\p{Cc}/u);
  }
}

describe('fuzz: parse never throws, answers a request or errors', () => {
  const types = ['Task', 'CarePlan', 'Patient', 'Observation'];

  it('3,000 random query strings built from search syntax fragments', () => {
    const rand = prng(20260615);
    let ok = 0;
    for (let i = 0; i < 3000; i++) {
      const query = randomQueryString(rand);
      const type = pick(rand, types);
      let result: ParseSearchResult | undefined;
      expect(() => {
        result = parseSearchRequest(type, new URLSearchParams(query), {
          registry,
          now: NOW,
          handling: rand() < 0.5 ? 'lenient' : 'strict',
          localBaseUrls: [BASE_URL],
        });
      }).not.toThrow();
      if (result) {
        check(result);
        if (result.ok) ok++;
      }
    }
    // both outcomes are exercised
    expect(ok).toBeGreaterThan(100);
    expect(ok).toBeLessThan(2900);
  });

  it('2,000 random Unicode strings as query strings and as Records', () => {
    const rand = prng(42);
    for (let i = 0; i < 1000; i++) {
      const raw = randomBytes(rand);
      expect(() => {
        check(parseSearchRequest('Task', new URLSearchParams(raw), { registry, now: NOW }));
      }).not.toThrow();
      const record: Record<string, unknown> = {
        [randomBytes(rand)]: randomBytes(rand),
        [pick(rand, NAMES)]:
          rand() < 0.5 ? [randomBytes(rand), randomValue(rand)] : { nested: randomBytes(rand) },
        status: rand() < 0.5 ? 42 : null,
      };
      expect(() => {
        check(parseSearchRequest('Task', record as SearchQuery, { registry, now: NOW, handling: 'lenient' }));
      }).not.toThrow();
    }
  });

  it('parses thousands of realistic searches per second', () => {
    const query = new URLSearchParams(
      `status=requested,accepted&owner:identifier=urn:oid:1.2.250.1.71.4.2.1|820009876543&period=ge2026-06-01&period=lt2026-07&_sort=-authored-on&_count=50&_include=Task:subject`,
    );
    const n = 5000;
    const started = performance.now();
    for (let i = 0; i < n; i++) parseSearchRequest('Task', query, { registry, now: NOW });
    const perSecond = n / ((performance.now() - started) / 1000);
    expect(perSecond).toBeGreaterThan(5000);
  });
});
