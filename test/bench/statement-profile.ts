import { TRANSACTION, type QueryObserver } from './instrumented-database.js';

/** Statements of one text: how many, and their total time (ms). */
interface StatementTally {
  readonly statement: string;
  count: number;
  ms: number;
}

/** What a component ran on its database while on, by statement text. */
export interface StatementProfile {
  readonly observer: QueryObserver;
  /** Only statements run while on are counted. */
  on(): void;
  off(): void;
  /** The `top` statements by total time, then every transaction (BEGIN to COMMIT) as one line. */
  lines(top: number, seconds: number): string[];
}

/** The first words of a statement, whitespace collapsed: what tells one statement from another. */
const shortTexts = new Map<string, string>();
function shortText(text: string): string {
  let short = shortTexts.get(text);
  if (short === undefined) {
    short = text.replace(/\s+/g, ' ').trim().slice(0, 110);
    // Remembered by text (the product's statements are few; the profiler must not cost the service).
    if (shortTexts.size < 10_000) shortTexts.set(text, short);
  }
  return short;
}

/** Tallies every statement by its text (the SQL of the product, parameters apart). */
export function statementProfile(): StatementProfile {
  let counting = false;
  const tallies = new Map<string, StatementTally>();
  const transactions = { count: 0, ms: 0 };
  return {
    on: () => (counting = true),
    off: () => (counting = false),
    observer(text, _params, elapsedMs) {
      if (!counting) return;
      if (text === TRANSACTION) {
        transactions.count += 1;
        transactions.ms += elapsedMs;
        return;
      }
      const statement = shortText(text);
      const tally = tallies.get(statement) ?? { statement, count: 0, ms: 0 };
      tally.count += 1;
      tally.ms += elapsedMs;
      tallies.set(statement, tally);
    },
    lines(top, seconds) {
      const row = (count: number, ms: number, what: string) =>
        `${String(Math.round(count / seconds)).padStart(6)}/s  mean ${(ms / Math.max(count, 1)).toFixed(2).padStart(6)} ms  ` +
        `in flight ${(ms / 1000 / seconds).toFixed(1).padStart(5)}  ${what}`;
      return [
        ...[...tallies.values()]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, top)
          .map((t) => row(t.count, t.ms, t.statement)),
        row(transactions.count, transactions.ms, 'transactions (BEGIN to COMMIT, statements included)'),
      ];
    },
  };
}
