// The cache of stream states: newest revision wins, least recently used streams go first.
import { describe, expect, it } from '@jest/globals';
import { StreamStateCache } from '../src/index.js';

describe('StreamStateCache', () => {
  it('keeps the newest revision of a stream and answers `at` only for that revision', () => {
    const cache = new StreamStateCache<string>();
    cache.remember('S-1', 3, 'three');
    cache.remember('S-1', 2, 'two');
    expect(cache.latest('S-1')).toEqual({ revision: 3, state: 'three' });
    expect(cache.at('S-1', 3)).toBe('three');
    expect(cache.at('S-1', 2)).toBeUndefined();
    cache.remember('S-1', 4, 'four');
    expect(cache.at('S-1', 4)).toBe('four');
    cache.forget('S-1');
    expect(cache.latest('S-1')).toBeUndefined();
  });

  it('drops the least recently used stream beyond its capacity', () => {
    const cache = new StreamStateCache<number>(2);
    cache.remember('A', 0, 1);
    cache.remember('B', 0, 2);
    cache.latest('A');
    cache.remember('C', 0, 3);
    expect(cache.size).toBe(2);
    expect(cache.latest('B')).toBeUndefined();
    expect(cache.latest('A')?.state).toBe(1);
    expect(cache.latest('C')?.state).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new StreamStateCache(0)).toThrow(RangeError);
    expect(() => new StreamStateCache(1.5)).toThrow(RangeError);
  });
});
