import { describe, expect, it } from '@jest/globals';
import { nestsDeeperThan } from '../../src/validation/nesting-depth.js';

function deep(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level++) value = level % 2 === 0 ? [value] : { value };
  return value;
}

describe('nesting depth', () => {
  it('counts objects and arrays, not primitives', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({ a: [1, { b: 2 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('stops at the limit, whatever the depth of the document', () => {
    expect(nestsDeeperThan(deep(10), 10)).toBe(false);
    expect(nestsDeeperThan(deep(11), 10)).toBe(true);
    expect(nestsDeeperThan(deep(1_000_000), 100)).toBe(true);
  });
});
