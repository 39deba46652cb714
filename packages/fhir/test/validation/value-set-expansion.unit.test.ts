import { describe, expect, it } from '@jest/globals';
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { valueSetExpander } from '../../src/validation/value-set-expansion.js';

const colours: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'http://example.org/cs/colour',
  status: 'active',
  content: 'complete',
  concept: [{ code: 'red' }, { code: 'blue', concept: [{ code: 'navy' }, { code: 'sky' }] }],
};
const fragment: CodeSystem = { ...colours, url: 'http://example.org/cs/fragment', content: 'fragment' };

function valueSet(id: string, compose: ValueSet['compose']): ValueSet {
  return {
    resourceType: 'ValueSet',
    url: `http://example.org/vs/${id}`,
    status: 'active',
    ...(compose && { compose }),
  };
}

const expand = valueSetExpander([
  colours,
  fragment,
  valueSet('all', { include: [{ system: colours.url! }] }),
  valueSet('listed', { include: [{ system: colours.url!, concept: [{ code: 'red' }, { code: 'sky' }] }] }),
  valueSet('nested', {
    include: [
      { valueSet: ['http://example.org/vs/listed|1.0'] },
      { system: 'urn:x', concept: [{ code: 'x' }] },
    ],
  }),
  valueSet('excluding', {
    include: [{ system: colours.url! }],
    exclude: [{ system: colours.url!, concept: [{ code: 'blue' }] }],
  }),
  valueSet('filtered', {
    include: [{ system: colours.url!, filter: [{ property: 'concept', op: 'is-a', value: 'blue' }] }],
  }),
  valueSet('external', { include: [{ system: 'urn:ietf:bcp:13' }] }),
  valueSet('partial', { include: [{ system: fragment.url! }] }),
  valueSet('cycle-a', { include: [{ valueSet: ['http://example.org/vs/cycle-b'] }] }),
  valueSet('cycle-b', { include: [{ valueSet: ['http://example.org/vs/cycle-a'] }] }),
]);

describe('value set expansion (required bindings)', () => {
  it('a whole code system, nested concepts included', () => {
    expect(expand('http://example.org/vs/all')).toEqual(['red', 'blue', 'navy', 'sky']);
  });

  it('listed concepts, other value sets, exclusions; a version suffix is ignored', () => {
    expect(expand('http://example.org/vs/listed|4.0.1')).toEqual(['red', 'sky']);
    expect(expand('http://example.org/vs/nested')).toEqual(['red', 'sky', 'x']);
    expect(expand('http://example.org/vs/excluding')).toEqual(['red', 'navy', 'sky']);
  });

  it('nothing (so no check) when the codes cannot be known from the FHIR terminology alone', () => {
    for (const id of ['filtered', 'external', 'partial', 'cycle-a', 'unknown']) {
      expect(expand(`http://example.org/vs/${id}`)).toBeUndefined();
    }
  });
});
