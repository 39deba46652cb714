import { DevIssuerRefusedError, DevTokenRequestError } from '@carenet/access';
import { DatabaseFullError, DatabaseUnavailableError } from '@carenet/eventsourcing';
import {
  CliBusyError,
  CliProblemsFoundError,
  CliUnavailableError,
  CliUsageError,
  EXIT_BUSY,
  EXIT_FAILED,
  EXIT_PROBLEMS,
  EXIT_UNAVAILABLE,
  EXIT_USAGE,
} from '../cli-io.js';

/** SQLSTATEs that say the database is not a carenet store, or not one this CLI knows. */
const NOT_A_STORE = new Set(['42P01', '3F000', '42883']);

/**
 * What an error means for the person at the terminal: one line and an exit code, never a stack
 * trace. The single place errors become exit codes.
 */
export function describeError(error: unknown): { readonly code: number; readonly message: string } {
  if (
    error instanceof CliUsageError ||
    error instanceof DevIssuerRefusedError ||
    error instanceof DevTokenRequestError
  ) {
    return { code: EXIT_USAGE, message: error.message };
  }
  if (error instanceof CliUnavailableError) return { code: EXIT_UNAVAILABLE, message: error.message };
  if (error instanceof CliProblemsFoundError) return { code: EXIT_PROBLEMS, message: error.message };
  if (error instanceof CliBusyError) return { code: EXIT_BUSY, message: error.message };
  if (error instanceof DatabaseUnavailableError) {
    return { code: EXIT_UNAVAILABLE, message: `cannot reach the database: ${error.message}` };
  }
  if (error instanceof DatabaseFullError) {
    return { code: EXIT_FAILED, message: `the database is full: ${error.message}` };
  }
  if (error instanceof Error) {
    const sqlState = (error as { code?: unknown }).code;
    if (typeof sqlState === 'string' && NOT_A_STORE.has(sqlState)) {
      return {
        code: EXIT_USAGE,
        message: `the database does not hold what this command reads (${error.message})`,
      };
    }
    if (typeof sqlState === 'string' && sqlState === '28P01') {
      return { code: EXIT_UNAVAILABLE, message: `the database refused the credentials: ${error.message}` };
    }
    if (typeof sqlState === 'string' && sqlState === '3D000') {
      return { code: EXIT_USAGE, message: `no such database: ${error.message}` };
    }
    if (error.name.startsWith('KafkaJS')) {
      return { code: EXIT_FAILED, message: `Kafka: ${error.message}` };
    }
    return { code: EXIT_FAILED, message: error.message };
  }
  return { code: EXIT_FAILED, message: String(error) };
}
