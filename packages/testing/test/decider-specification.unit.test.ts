import { describe, expect, it } from '@jest/globals';
import { deciderSpecification } from '../src/index.js';

class TooMany extends Error {
  readonly limit = 2;
}

// Counts up to two.
const counter = deciderSpecification<'inc', { type: 'Incremented' }, number>({
  initialState: () => 0,
  evolve: (n) => n + 1,
  decide: (_command, n) => {
    if (n >= 2) throw new TooMany('at most two');
    return [{ type: 'Incremented' }];
  },
});

describe('deciderSpecification', () => {
  it('passes when the events match', () => {
    counter
      .given([])
      .when('inc')
      .then([{ type: 'Incremented' }]);
  });

  it('fails when the events differ', () => {
    expect(() => {
      counter.given([]).when('inc').then([]);
    }).toThrow('Expected values to be strictly deep-equal');
  });

  it('passes on the expected error type and properties, fails otherwise', () => {
    const full = counter.given([{ type: 'Incremented' }, { type: 'Incremented' }]).when('inc');
    full.thenThrows(TooMany, { limit: 2 });
    expect(() => {
      full.thenThrows(TooMany, { limit: 3 });
    }).toThrow('error.limit');
    expect(() => {
      full.thenThrows(RangeError);
    }).toThrow('expected RangeError');
    expect(() => {
      counter.given([]).when('inc').thenThrows(TooMany);
    }).toThrow('the command produced');
  });
});
