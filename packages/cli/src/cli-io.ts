/** Where the CLI writes and what environment it reads: the process's, or a test's. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Where long work is shown with a progress bar: the terminal the CLI runs in, when stderr is
   * one (`main.ts`); absent, no progress bar (tests, pipes).
   */
  readonly terminal?: NodeJS.WriteStream;
}

/** A command line the CLI refuses (exit code 2), with the message to show. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * Exit codes: 0 done, 1 failed (an unexpected error), 2 refused (bad arguments, wrong mode, unknown
 * stream, group or projection), 3 a database or broker that cannot be reached, 4 done but what was
 * checked is wrong (`events verify` found problems, an event violates its contract), 5 refused
 * because something else is at work (a consumer group with active members, a rebuild under way).
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNAVAILABLE = 3;
export const EXIT_PROBLEMS = 4;
export const EXIT_BUSY = 5;

/** A database or broker that cannot be reached (exit code 3). */
export class CliUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUnavailableError';
  }
}

/** The verb ran and found something wrong, already printed (exit code 4). */
export class CliProblemsFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliProblemsFoundError';
  }
}

/** Refused because something else is at work on the same thing (exit code 5). */
export class CliBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliBusyError';
  }
}
