import { loadContractRegistry, type ContractRegistry } from '@carenet/contracts';
import {
  categoryOf,
  countEventsSql,
  listStreamsSql,
  logPositionBefore,
  START,
  type LogPosition,
  type RecordedEvent,
} from '@carenet/eventsourcing';
import { CATEGORY_CONTEXTS, toKafkaMessage } from '@carenet/messaging';
import { Command } from 'commander';
import { CliProblemsFoundError, CliUsageError, type CliIo } from '../cli-io.js';
import { note, printJsonLine, rateOf } from '../support/output.js';
import { startProgress } from '../support/progress.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';

interface VerifyOptions extends StoreOptions {
  readonly contracts?: string;
  readonly maxProblems: string;
  readonly progress: boolean;
  readonly json?: boolean;
}

/** What `events verify` can find wrong. */
export type ProblemKind =
  | 'revision-gap'
  | 'revision-order'
  | 'position-order'
  | 'position-duplicate'
  | 'stream-revision'
  | 'stream-missing'
  | 'no-context'
  | 'contract';

export interface Problem {
  readonly kind: ProblemKind;
  readonly streamId: string;
  readonly revision?: number;
  readonly position?: string;
  readonly eventId?: string;
  readonly message: string;
}

const BATCH = 2000;

/** `carenet events verify`: walks the store and checks its invariants. */
export function eventsCommand(io: CliIo): Command {
  const events = new Command('events').description("the store's events");
  events.addCommand(
    withStoreOptions(
      new Command('verify')
        .summary('walk the store and check its invariants (exit code 4 when one is broken)')
        .description(
          'walk the whole log and check the invariants: per stream, revisions 0, 1, 2… in log order; ' +
            'log positions strictly increasing and unique; each stream row at its last revision; ' +
            'every event valid against its contract (contracts/). Exit code 4 when something is wrong',
        )
        .option('--contracts <dir>', 'the events folder of the contracts (default: @carenet/contracts)')
        .option('--max-problems <n>', 'stop printing after n problems (all are counted)', '1000')
        .option('--no-progress', 'no progress bar')
        .option('--json', 'one JSON object per problem and line, then a summary object'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet events verify\n' +
          "  $ carenet events verify --json | jq -r 'select(.kind) | .kind' | sort | uniq -c",
      )
      .action(async (options: VerifyOptions) => {
        if (!/^\d+$/.test(options.maxProblems))
          throw new CliUsageError(`--max-problems takes a whole number (got "${options.maxProblems}")`);
        const maxProblems = Number(options.maxProblems);
        const contracts = loadContractRegistry(
          ...(options.contracts !== undefined ? [options.contracts] : []),
        );
        await withStore(options, io, async ({ db, store, description }) => {
          const started = Date.now();
          const total = await countEventsSql(db, START);
          const progress = startProgress(io, 'verify', total, options.progress && !options.json);
          let found = 0;
          const report = (problem: Problem) => {
            found += 1;
            if (found > maxProblems) return;
            if (options.json) printJsonLine(io, problem);
            else io.stdout.write(`${problemLine(problem)}\n`);
          };
          const check = verifier(contracts, report);
          let position: LogPosition = START;
          let checked = 0;
          try {
            for (;;) {
              const batch = await store.readAll(position, { limit: BATCH });
              for (const event of batch.events) check.event(event);
              checked += batch.events.length;
              progress.increment(batch.events.length);
              if (batch.events.length < BATCH) break;
              position = batch.next;
            }
          } finally {
            progress.stop();
          }
          // Every stream row against what the log holds.
          let after: string | undefined;
          let streams = 0;
          for (;;) {
            const page = await listStreamsSql(db, { ...(after !== undefined && { after }), limit: 5000 });
            for (const stream of page) check.streamRow(stream.streamId, stream.revision);
            streams += page.length;
            after = page.at(-1)?.streamId;
            if (page.length < 5000) break;
          }
          check.finish();
          const ms = Date.now() - started;
          const summary = {
            store: description,
            events: checked,
            streams,
            problems: found,
            seconds: Math.round(ms) / 1000,
          };
          if (options.json) printJsonLine(io, { summary });
          else
            note(
              io,
              `${checked} events in ${streams} streams checked in ${summary.seconds} s (${rateOf(checked, ms)}): ` +
                (found === 0 ? 'no problem found' : `${found} problem${found === 1 ? '' : 's'}`) +
                (found > maxProblems ? ` (the first ${maxProblems} printed)` : ''),
            );
          if (found > 0) {
            throw new CliProblemsFoundError(
              `${found} problem${found === 1 ? '' : 's'} found in ${description}`,
            );
          }
        });
      }),
  );
  return events;
}

/**
 * The checks of one walk: fed the log's events in log order, then every stream row; reports each
 * problem once. Memory: one entry per stream.
 */
export function verifier(contracts: ContractRegistry, report: (problem: Problem) => void) {
  const lastRevision = new Map<string, number>();
  const seenPositions = new Set<number>();
  const rowsSeen = new Set<string>();
  let previous: LogPosition | undefined;
  return {
    event(event: RecordedEvent): void {
      const at = {
        streamId: event.streamId,
        revision: event.revision,
        position: event.logPosition,
        eventId: event.id,
      };
      if (previous !== undefined && !logPositionBefore(previous, event.logPosition)) {
        report({ kind: 'position-order', ...at, message: `log position not after ${previous}` });
      }
      previous = event.logPosition;
      if (seenPositions.has(event.globalPosition)) {
        report({
          kind: 'position-duplicate',
          ...at,
          message: `global position ${event.globalPosition} seen twice`,
        });
      }
      seenPositions.add(event.globalPosition);
      const before = lastRevision.get(event.streamId) ?? -1;
      if (event.revision !== before + 1) {
        report(
          event.revision > before + 1
            ? {
                kind: 'revision-gap',
                ...at,
                message: `revision ${event.revision} follows ${before === -1 ? 'nothing' : before}: expected ${before + 1}`,
              }
            : {
                kind: 'revision-order',
                ...at,
                message: `revision ${event.revision} comes after revision ${before} in the log`,
              },
        );
      }
      lastRevision.set(event.streamId, Math.max(before, event.revision));
      const category = categoryOf(event.streamId);
      if (CATEGORY_CONTEXTS[category] === undefined) {
        report({ kind: 'no-context', ...at, message: `no service publishes stream category "${category}"` });
        return;
      }
      const ceType = toKafkaMessage(event).headers.ce_type ?? '';
      const verdict = contracts.validate(ceType, event.data);
      if (!verdict.ok) {
        const issues = verdict.errors.map((issue) => `${issue.path || '/'} ${issue.message}`).join('; ');
        report({ kind: 'contract', ...at, message: `${ceType}: ${issues}` });
      }
    },
    streamRow(streamId: string, revision: number): void {
      rowsSeen.add(streamId);
      const last = lastRevision.get(streamId);
      if (last !== revision) {
        report({
          kind: 'stream-revision',
          streamId,
          message: `the stream row says revision ${revision}, the log ends at ${last ?? 'nothing'}`,
        });
      }
    },
    finish(): void {
      for (const [streamId, revision] of lastRevision) {
        if (!rowsSeen.has(streamId)) {
          report({
            kind: 'stream-missing',
            streamId,
            revision,
            message: 'events in the log but no stream row',
          });
        }
      }
    },
  };
}

function problemLine(problem: Problem): string {
  const where = problem.revision === undefined ? problem.streamId : `${problem.streamId}@${problem.revision}`;
  const position = problem.position === undefined ? '' : ` (position ${problem.position})`;
  return `${problem.kind}  ${where}${position}: ${problem.message}`;
}
