import { DatabaseFullError, DatabaseUnavailableError, DomainError } from '../errors.js';

/** System errors of a connection that could not be made or was cut. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: 57P01 admin_shutdown (a terminated backend, a
 * fast shutdown), 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, recovering),
 * 53300 too_many_connections. Class 08 (connection exception) is matched by its prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLSTATE 53100 disk_full; ENOSPC when the file system says so directly. */
const FULL_CODES = new Set(['53100', 'ENOSPC']);

/** What `pg` and `pg-pool` say when a connection is lost or cannot be had (they set no code). */
const CONNECTION_MESSAGES = [
  /^Connection terminated unexpectedly$/,
  /^Connection terminated due to connection timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
];

function codeOf(error: object): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function messageOf(error: object): string {
  return 'message' in error && typeof error.message === 'string' ? error.message : '';
}

/**
 * The typed error a database error stands for, or the error itself when it is none of them.
 * `DatabaseUnavailableError`: the server cannot be reached or the connection went away;
 * `DatabaseFullError`: no space left. Only the driver's message and code are kept, never the
 * original error: PGlite's errors carry the statement and its parameters (patient data).
 */
export function classifyDatabaseError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || error instanceof DomainError) return error;
  const code = codeOf(error);
  const message = messageOf(error);
  if (code !== undefined && FULL_CODES.has(code)) return new DatabaseFullError(message || code, code);
  if (
    code !== undefined &&
    (CONNECTION_ERRNOS.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  ) {
    return new DatabaseUnavailableError(message || code, code);
  }
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) {
    return new DatabaseUnavailableError(message, code);
  }
  // Node's connect to a name with several addresses (localhost: ::1 then 127.0.0.1) fails with
  // an AggregateError of the attempts, each with its own code.
  if (error instanceof AggregateError && error.errors.length > 0) {
    const inner = error.errors.map(classifyDatabaseError);
    if (inner.every((e) => e instanceof DatabaseUnavailableError)) return inner[0];
  }
  return error;
}

/** `classifyDatabaseError` for a promise: what the database rejects with, typed. */
export async function classified<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}
