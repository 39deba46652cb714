// Transaction placeholders (urn:uuid fullUrls) resolved to the ids the server assigned, anywhere
// in a resource (R4 http.html#trules).
import { describe, expect, it } from '@jest/globals';
import { isPlaceholderUrl, resolveBundleReferences } from '../../src/server/bundle-references.js';

const A = 'urn:uuid:0c5d7c4e-6f5d-4c1e-9a0b-3b7f1f2d4a11';
const B = 'urn:uuid:0c5d7c4e-6f5d-4c1e-9a0b-3b7f1f2d4a22';
const resolved = new Map([
  [A, 'Task/1'],
  [B, 'CarePlan/2'],
]);

describe('resolveBundleReferences', () => {
  it('rewrites references at any depth, in arrays and nested elements, and leaves the input as it was', () => {
    const resource = {
      resourceType: 'Task',
      partOf: [{ reference: A }],
      basedOn: [{ reference: B, display: A }],
      input: [{ type: { text: 't' }, valueReference: { reference: A } }],
      contained: [{ resourceType: 'Provenance', target: [{ reference: B }] }],
      note: [{ text: `see ${A}` }],
    };
    const copy = structuredClone(resource);
    expect(resolveBundleReferences(resource, resolved)).toEqual({
      resourceType: 'Task',
      partOf: [{ reference: 'Task/1' }],
      // Any element that holds the placeholder itself is the resource too.
      basedOn: [{ reference: 'CarePlan/2', display: 'Task/1' }],
      input: [{ type: { text: 't' }, valueReference: { reference: 'Task/1' } }],
      contained: [{ resourceType: 'Provenance', target: [{ reference: 'CarePlan/2' }] }],
      // Text that merely mentions it is not a reference.
      note: [{ text: `see ${A}` }],
    });
    expect(resource).toEqual(copy);
  });

  it('keeps a fragment, and leaves unknown placeholders and other strings alone', () => {
    expect(
      resolveBundleReferences(
        {
          a: { reference: `${A}#c1` },
          b: { reference: 'urn:uuid:other' },
          c: 'Task/9',
          d: 3,
          e: null,
          f: true,
        },
        resolved,
      ),
    ).toEqual({
      a: { reference: 'Task/1#c1' },
      b: { reference: 'urn:uuid:other' },
      c: 'Task/9',
      d: 3,
      e: null,
      f: true,
    });
  });

  it('returns the value itself when nothing is to be resolved', () => {
    const value = { reference: A };
    expect(resolveBundleReferences(value, new Map())).toBe(value);
  });

  it('recognises placeholder fullUrls: urn:uuid and urn:oid only', () => {
    expect([A, 'urn:oid:1.2.3', 'http://x/Task/1', 'urn:uuid:', undefined, 3].map(isPlaceholderUrl)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
