import { describe, expect, it } from '@jest/globals';
import {
  deepDiff,
  describeDifferences,
  normaliseReadBack,
  roundTripDifferences,
  SERVER_EXTENSION_BASE,
} from './deep-diff.js';

const INS = 'urn:oid:1.2.250.1.213.1.4.8';

describe('deepDiff', () => {
  it('finds nothing between equal values, whatever the key order', () => {
    expect(deepDiff({ a: 1, b: [{ c: 'x' }, null] }, { b: [{ c: 'x' }, null], a: 1 })).toEqual([]);
    expect(deepDiff('x', 'x')).toEqual([]);
  });

  it('reports a changed primitive with its path and both values', () => {
    expect(deepDiff({ a: { b: [1, 2] } }, { a: { b: [1, 3] } }, 'T')).toEqual([
      { path: 'T.a.b[1]', kind: 'changed', expected: 2, actual: 3 },
    ]);
  });

  it('reports missing and added keys', () => {
    expect(deepDiff({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual([
      { path: 'b', kind: 'missing', expected: 2 },
      { path: 'c', kind: 'added', actual: 3 },
    ]);
  });

  it('reports missing and added array items by index', () => {
    expect(deepDiff({ a: [1, 2, 3] }, { a: [1] })).toEqual([
      { path: 'a[1]', kind: 'missing', expected: 2 },
      { path: 'a[2]', kind: 'missing', expected: 3 },
    ]);
    expect(deepDiff([1], [1, { x: 1 }])).toEqual([{ path: '[1]', kind: 'added', actual: { x: 1 } }]);
  });

  it('does not equate values of different JSON types', () => {
    expect(deepDiff({ a: '1' }, { a: 1 })).toEqual([
      { path: 'a', kind: 'changed', expected: '1', actual: 1 },
    ]);
    expect(deepDiff({ a: [] }, { a: {} })).toHaveLength(1);
    expect(deepDiff({ a: null }, { a: {} })).toHaveLength(1);
    expect(deepDiff({ a: [1] }, { a: { 0: 1 } })).toHaveLength(1);
  });

  it('counts a key holding undefined as absent', () => {
    expect(deepDiff({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
  });

  it('describes each difference on a line', () => {
    const text = describeDifferences(deepDiff({ a: 1, b: 2 }, { a: 3, c: 'x' }, 'T'));
    expect(text.split('\n')).toEqual(['T.a: sent 1, read 3', 'T.b: missing (sent 2)', 'T.c: added "x"']);
  });
});

describe('round trip (normaliseReadBack, roundTripDifferences)', () => {
  const sent = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    for: { identifier: { system: INS, value: '279035121518989' } },
    focus: { reference: 'ServiceRequest/lipid', display: 'Lipid Panel' },
    extension: [{ url: `${SERVER_EXTENSION_BASE}task-mode`, valueCode: 'a' }],
  };

  it('allows id, meta, added carenet extensions and added Reference.type', () => {
    const read = {
      ...sent,
      id: 'abc',
      meta: { versionId: '1', lastUpdated: '2026-12-07T00:00:00Z' },
      for: { ...sent.for, type: 'Patient' },
      focus: { ...sent.focus, type: 'ServiceRequest' },
      extension: [...sent.extension, { url: `${SERVER_EXTENSION_BASE}task-cycle`, valueInteger: 1 }],
      code: { extension: [{ url: `${SERVER_EXTENSION_BASE}x`, valueString: 'y' }], text: 'c' },
    };
    expect(roundTripDifferences(sent, { ...read, code: undefined })).toEqual([]);
    expect(normaliseReadBack(sent, read)).toEqual({ ...sent, code: { text: 'c' } });
  });

  it('reports a dropped element, a changed value and a lost extension by path', () => {
    const read = {
      resourceType: 'Task',
      id: 'abc',
      status: 'draft',
      intent: 'order',
      for: sent.for,
      focus: { reference: 'ServiceRequest/lipid' },
    };
    expect(roundTripDifferences(sent, read)).toEqual([
      { path: 'Task.status', kind: 'changed', expected: 'requested', actual: 'draft' },
      { path: 'Task.focus.display', kind: 'missing', expected: 'Lipid Panel' },
      { path: 'Task.extension', kind: 'missing', expected: sent.extension },
    ]);
  });

  it('keeps an extension of another base, and a carenet one that changed a sent one', () => {
    const read = {
      ...sent,
      extension: [
        { url: `${SERVER_EXTENSION_BASE}task-mode`, valueCode: 'b' },
        { url: 'https://other.example/ext', valueString: 'z' },
      ],
    };
    // The sent extension is gone (the changed one counts as added by the server); the other stays.
    expect(roundTripDifferences(sent, read)).toEqual([
      {
        path: 'Task.extension[0].url',
        kind: 'changed',
        expected: sent.extension[0]!.url,
        actual: 'https://other.example/ext',
      },
      { path: 'Task.extension[0].valueCode', kind: 'missing', expected: 'a' },
      { path: 'Task.extension[0].valueString', kind: 'added', actual: 'z' },
    ]);
  });

  it('reports a Reference.type that is not the type of its literal reference, or that changed', () => {
    const wrongType = { ...sent, focus: { ...sent.focus, type: 'Patient' } };
    expect(roundTripDifferences(sent, wrongType)).toEqual([
      { path: 'Task.focus.type', kind: 'added', actual: 'Patient' },
    ]);
    const sentTyped = { ...sent, for: { ...sent.for, type: 'Patient' } };
    expect(roundTripDifferences(sentTyped, { ...sentTyped, for: { ...sent.for, type: 'Group' } })).toEqual([
      { path: 'Task.for.type', kind: 'changed', expected: 'Patient', actual: 'Group' },
    ]);
  });

  it('allows the elements the server fills when the body has none, not when it changes them', () => {
    const task = { resourceType: 'Task', status: 'draft', intent: 'order' };
    const filled = { ...task, authoredOn: '2026-12-07T21:00:00Z', priority: 'routine', lastModified: 'x' };
    expect(roundTripDifferences(task, filled)).toEqual([]);
    expect(roundTripDifferences({ ...task, priority: 'asap' }, filled)).toEqual([
      { path: 'Task.priority', kind: 'changed', expected: 'asap', actual: 'routine' },
    ]);
    // Only for the types and elements listed: the same element added to a Goal is a difference.
    expect(roundTripDifferences({ resourceType: 'Goal' }, { resourceType: 'Goal', authoredOn: 'x' })).toEqual(
      [{ path: 'Goal.authoredOn', kind: 'added', actual: 'x' }],
    );
  });

  it('allows nested server-filled elements item by item (a CareTeam participant id and start)', () => {
    const member = { member: { identifier: { system: 's', value: 'v' } } };
    const team = { resourceType: 'CareTeam', participant: [member, { ...member, period: { end: '2027' } }] };
    const read = {
      resourceType: 'CareTeam',
      participant: [
        { id: 'm1', ...member, period: { start: '2026' } },
        { id: 'm2', ...member, period: { start: '2026', end: '2027' } },
      ],
    };
    expect(roundTripDifferences(team, read)).toEqual([]);
    const changedEnd = {
      ...read,
      participant: [read.participant[0], { ...member, period: { end: '2028' } }],
    };
    expect(roundTripDifferences(team, changedEnd)).toEqual([
      { path: 'CareTeam.participant[1].period.end', kind: 'changed', expected: '2027', actual: '2028' },
    ]);
  });

  it('reports a changed resourceType', () => {
    expect(roundTripDifferences(sent, { ...sent, resourceType: 'CarePlan' })[0]).toMatchObject({
      path: 'Task.resourceType',
      kind: 'changed',
    });
  });
});
