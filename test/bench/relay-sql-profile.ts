import { TRANSACTION, type QueryObserver } from './instrumented-database.js';

/** Statements of one kind: how many, and their total time (ms). */
export interface StatementTally {
  count: number;
  ms: number;
}

/** What the relay (and the appends) ran on the store's database, by kind. */
export interface RelaySqlProfile {
  readonly observer: QueryObserver;
  /** Only statements run while on are counted. */
  on(): void;
  off(): void;
  readonly appends: StatementTally;
  /** Reads of the global log (readAll). */
  readonly reads: StatementTally;
  /** Run by the relay after each read that found nothing: is something held back? */
  readonly heldBackChecks: StatementTally;
  readonly checkpoints: StatementTally;
  readonly other: StatementTally;
}

/**
 * Sorts the store's statements by what the relay and the store send (the SQL texts of
 * @carenet/eventsourcing); `onCheckpoint` sees each checkpoint stored, with its position.
 */
export function relaySqlProfile(
  onCheckpoint?: (position: unknown, endedAt: number) => void,
): RelaySqlProfile {
  const tally = (): StatementTally => ({ count: 0, ms: 0 });
  let counting = false;
  const profile = {
    appends: tally(),
    reads: tally(),
    heldBackChecks: tally(),
    checkpoints: tally(),
    other: tally(),
  };
  const kindOf = (text: string): StatementTally => {
    if (text.includes('eventstore.append_events')) return profile.appends;
    if (text.includes('eventstore.checkpoints') && text.includes('INSERT')) return profile.checkpoints;
    if (text.includes('pg_current_snapshot()') && text.includes('horizon')) return profile.heldBackChecks;
    if (text.includes('FROM eventstore.events')) return profile.reads;
    return profile.other;
  };
  return {
    ...profile,
    on: () => (counting = true),
    off: () => (counting = false),
    observer(text, params, elapsedMs, endedAt) {
      if (!counting || text === TRANSACTION) return;
      const kind = kindOf(text);
      kind.count += 1;
      kind.ms += elapsedMs;
      if (kind === profile.checkpoints) onCheckpoint?.(params?.[1], endedAt);
    },
  };
}
