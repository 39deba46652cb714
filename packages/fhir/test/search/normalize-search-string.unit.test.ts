import { describe, expect, it } from '@jest/globals';
import { normalizeSearchString } from '../../src/search/index.js';

describe('normalizeSearchString', () => {
  it.each([
    ['Hélène', 'helene'],
    ['DUPRÉ', 'dupre'],
    ['Dupre\u0301', 'dupre'],
    ['Saint-Étienne', 'saint-etienne'],
    ['François', 'francois'],
    ['Œuvre', 'oeuvre'],
    ['cœur', 'coeur'],
    ['Ælfrida', 'aelfrida'],
    ['Straße', 'strasse'],
    ['Søren', 'soren'],
    ['Łódź', 'lodz'],
    ['Nguyễn', 'nguyen'],
    ['  Jean   Pierre \t', 'jean pierre'],
    ['Ōtsuka', 'otsuka'],
    ['İstanbul', 'istanbul'],
    ['ÇA', 'ca'],
    ['', ''],
    ['123-ABC', '123-abc'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeSearchString(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const s of ['Hélène', 'Œuvre', 'Straße', 'İstanbul']) {
      expect(normalizeSearchString(normalizeSearchString(s))).toBe(normalizeSearchString(s));
    }
  });
});
