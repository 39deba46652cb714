import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, SearchStoreError } from '../../src/storage/index.js';
import { escapeLike, indexedPrefix, SqlParams } from '../../src/storage/sql-params.js';

describe('paging cursor', () => {
  it.each(['after', 'before'] as const)(
    'round-trips keys (null included), id and direction %s, for its sort only',
    (direction) => {
      const cursor = { sort: '-priority,period', keys: ['urgent', null], id: 'task-001', direction };
      const text = encodeCursor(cursor);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(text, '-priority,period', 2)).toEqual(cursor);
      expect(() => decodeCursor(text, 'priority,period', 2)).toThrow(SearchStoreError);
      expect(() => decodeCursor(text, '-priority,period', 1)).toThrow(SearchStoreError);
    },
  );

  it.each([
    '',
    'not-json',
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('{"s":"","k":[1],"i":"a"}').toString('base64url'),
    Buffer.from('{"s":"","k":[null],"i":"a","d":"x"}').toString('base64url'),
  ])('refuses %j as a cursor', (text) => {
    expect(() => decodeCursor(text, '', 1)).toThrow(expect.objectContaining({ reason: 'invalid-cursor' }));
  });
});

describe('SQL helpers', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });

  it('binds values as numbered placeholders', () => {
    const p = new SqlParams();
    expect(p.bind('a')).toBe('$1');
    expect(p.bind('2026-06-01', 'timestamptz')).toBe('$2::timestamptz');
    expect(p.values).toEqual(['a', '2026-06-01']);
  });

  it('cuts long strings at 256 code points, as PostgreSQL left() does', () => {
    const astral = '𝔸'.repeat(300);
    expect(Array.from(indexedPrefix(astral))).toHaveLength(256);
    expect(indexedPrefix('short')).toBe('short');
  });
});
