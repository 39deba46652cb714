// Which database errors mean "the database is away" or "the database is full": the typed errors
// every caller of a SqlDatabase gets instead of the driver's.
import { describe, expect, it } from '@jest/globals';
import {
  classifyDatabaseError,
  ConcurrencyError,
  DatabaseFullError,
  DatabaseUnavailableError,
  isDatabaseFailure,
} from '../src/index.js';

/** An error as `pg` or PGlite reports it: a message and a code. */
function driverError(message: string, code?: string, extra: object = {}): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

describe('classifyDatabaseError', () => {
  it.each([
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['read ECONNRESET', 'ECONNRESET'],
    ['write EPIPE', 'EPIPE'],
    ['connect ETIMEDOUT 10.0.0.5:5432', 'ETIMEDOUT'],
    ['getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'],
    ['terminating connection due to administrator command', '57P01'],
    ['terminating connection because of crash of another server process', '57P02'],
    ['the database system is starting up', '57P03'],
    ['sorry, too many clients already', '53300'],
    ['connection failure', '08006'],
    ['SSL SYSCALL error', '08000'],
    ['protocol violation', '08P01'],
  ])('%s (%s) is DatabaseUnavailableError', (message, code) => {
    const typed = classifyDatabaseError(driverError(message, code));
    expect(typed).toBeInstanceOf(DatabaseUnavailableError);
    expect(typed).toMatchObject({ kind: 'unavailable', reason: message, code });
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'Client has encountered a connection error and is not queryable',
    'timeout exceeded when trying to connect',
  ])('pg’s "%s" (no code) is DatabaseUnavailableError', (message) => {
    expect(classifyDatabaseError(driverError(message))).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('reads through the AggregateError of a connect to several addresses', () => {
    const aggregate = new AggregateError(
      [
        driverError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'),
        driverError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      ],
      '',
    );
    expect(classifyDatabaseError(aggregate)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('makes a full disk DatabaseFullError, keeping none of the statement or its parameters', () => {
    const pglite = driverError('could not extend file "base/5/16390": No space left on device', '53100', {
      query: 'SELECT eventstore.append_events($1, $2)',
      params: ['Patient-1', '{"name":"Jeanne Martin"}'],
    });
    const typed = classifyDatabaseError(pglite);
    expect(typed).toBeInstanceOf(DatabaseFullError);
    expect(typed).toMatchObject({ kind: 'storage-full', code: '53100' });
    expect(JSON.stringify(typed)).not.toContain('Jeanne');
    expect((typed as Error).cause).toBeUndefined();
    expect(
      classifyDatabaseError(driverError('ENOSPC: no space left on device, write', 'ENOSPC')),
    ).toBeInstanceOf(DatabaseFullError);
  });

  it('leaves every other error as it is', () => {
    const others = [
      driverError('duplicate key value violates unique constraint', '23505'),
      driverError('stream is at revision 3', 'CN409'),
      driverError('canceling statement due to statement timeout', '57014'),
      driverError('Client was closed and is not queryable'),
      new TypeError('x is undefined'),
      new ConcurrencyError('Task-1', '2', 3),
      'a string',
      undefined,
    ];
    for (const error of others) expect(classifyDatabaseError(error)).toBe(error);
  });

  it('tells database failures apart from refusals', () => {
    expect(isDatabaseFailure(new DatabaseUnavailableError('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseFailure(new DatabaseFullError('disk full', '53100'))).toBe(true);
    expect(isDatabaseFailure(new ConcurrencyError('Task-1', '2', 3))).toBe(false);
    expect(isDatabaseFailure(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
