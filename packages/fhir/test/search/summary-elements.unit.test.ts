import { describe, expect, it } from '@jest/globals';
import type { Bundle, Resource } from 'fhir/r4.js';
import { searchBundleJson } from '../../src/server/search-bundle.js';
import type { SearchRequest, SummaryMode } from '../../src/search/index.js';
import { summaryElements } from '../../src/search/summary-elements.js';
import { BASE_URL, carePlan, task } from './search-fixtures.js';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

function shaped(resource: object, summary: SummaryMode): Resource {
  const request: SearchRequest = {
    resourceType: (resource as Resource).resourceType,
    clauses: [],
    count: 10,
    sort: [],
    summary,
    include: [],
    revinclude: [],
  };
  const bundle = JSON.parse(
    searchBundleJson({
      request,
      result: { resources: [resource as Resource] },
      warnings: [],
      baseUrl: BASE_URL,
      query: new URLSearchParams(`_summary=${summary}`),
    }),
  ) as Bundle;
  const found = bundle.entry?.[0]?.resource;
  if (!found) throw new Error('no entry');
  return found;
}

const narrative = { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' };

describe('summary elements from the R4 StructureDefinitions', () => {
  it('Task: isSummary elements (status, intent, code, for, owner…), not priority, note, input, restriction', () => {
    const elements = summaryElements('Task');
    for (const name of ['status', 'intent', 'code', 'for', 'owner', 'focus', 'requester', 'lastModified']) {
      expect(elements?.summary.has(name)).toBe(true);
    }
    for (const name of [
      'priority',
      'identifier',
      'note',
      'input',
      'output',
      'restriction',
      'authoredOn',
      'text',
    ]) {
      expect(elements?.summary.has(name)).toBe(false);
    }
    // primitives keep their `_name` sibling; the mandatory ones are the only `_summary=text` elements
    expect(elements?.summary.has('_status')).toBe(true);
    expect([...(elements?.text ?? [])].sort()).toEqual(
      ['_id', '_intent', '_status', 'id', 'intent', 'meta', 'resourceType', 'status', 'text'].sort(),
    );
  });

  it('choice elements give each JSON variant', () => {
    expect(summaryElements('Observation')?.summary.has('effectiveDateTime')).toBe(true);
    expect(summaryElements('Observation')?.summary.has('valueQuantity')).toBe(true);
  });

  it('an unknown type has none', () => {
    expect(summaryElements('Nope')).toBeUndefined();
  });
});

describe('searchBundle with _summary', () => {
  const fullTask = { ...task, text: narrative, note: [{ text: 'n' }], input: [] };

  it('_summary=true on a Task keeps the summary elements and marks it SUBSETTED', () => {
    const result = shaped(fullTask, 'true') as unknown as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(
      [
        'resourceType',
        'id',
        'meta',
        'groupIdentifier',
        'basedOn',
        'partOf',
        'status',
        'businessStatus',
        'intent',
        'code',
        'description',
        'focus',
        'for',
        'encounter',
        'executionPeriod',
        'lastModified',
        'requester',
        'owner',
      ]
        .filter((name) => name in fullTask)
        .sort(),
    );
    expect(result.priority).toBeUndefined();
    expect(result.note).toBeUndefined();
    expect(result.text).toBeUndefined();
    expect((result as unknown as Resource).meta?.tag).toEqual([...task.meta.tag, SUBSETTED]);
  });

  it('_summary=text on a Task keeps text, id, meta, status and intent', () => {
    const result = shaped(fullTask, 'text');
    expect(result).toEqual({
      resourceType: 'Task',
      id: 'task-1',
      meta: { ...task.meta, tag: [...task.meta.tag, SUBSETTED] },
      text: narrative,
      status: 'requested',
      intent: 'order',
    });
  });

  it('_summary=true on a CarePlan drops activity, goal, careTeam, note; keeps subject, period…', () => {
    const result = shaped({ ...carePlan, note: [{ text: 'n' }] }, 'true') as unknown as Record<
      string,
      unknown
    >;
    for (const name of [
      'identifier',
      'status',
      'intent',
      'category',
      'subject',
      'period',
      'addresses',
      'basedOn',
    ]) {
      expect(result[name]).toEqual((carePlan as Record<string, unknown>)[name]);
    }
    for (const name of ['activity', 'goal', 'careTeam', 'note']) expect(result[name]).toBeUndefined();
    expect((result as unknown as Resource).meta?.tag).toEqual([SUBSETTED]);
  });

  it('_summary=text on a CarePlan keeps its mandatory status, intent and subject', () => {
    const result = shaped({ ...carePlan, text: narrative }, 'text');
    expect(Object.keys(result).sort()).toEqual(
      ['id', 'intent', 'meta', 'resourceType', 'status', 'subject', 'text'].sort(),
    );
  });

  it('_summary=false and no _summary leave the resource whole', () => {
    expect(shaped(fullTask, 'false')).toEqual(fullTask);
  });
});
