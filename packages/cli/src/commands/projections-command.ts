import {
  countEventsSql,
  loadCheckpointSql,
  logHeadSql,
  silentLogger,
  START,
  type LogPosition,
} from '@carenet/eventsourcing';
import { Command } from 'commander';
import { CliBusyError, type CliIo } from '../cli-io.js';
import { note, printJsonLine, printTable, rateOf } from '../support/output.js';
import { startProgress } from '../support/progress.js';
import { projectionsAsked, serviceProjectionsOf } from '../support/service-projections.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';

interface StatusOptions extends StoreOptions {
  readonly json?: boolean;
}

interface RebuildOptions extends StoreOptions {
  readonly progress: boolean;
  readonly json?: boolean;
}

/** One line of `projections status`. */
export interface ProjectionStatus {
  readonly service: string;
  readonly name: string;
  readonly kind: 'inline' | 'relay' | 'store-log consumer';
  readonly categories: readonly string[];
  /** Where it stands in the log (null: it has read nothing yet, or nothing to read). */
  readonly position: string | null;
  /** Committed events of its categories it has not handled. */
  readonly lag: number;
  /** The head of the log for its categories. */
  readonly head: string | null;
}

/** `carenet projections status|rebuild`: a service's read models and the readers of its log. */
export function projectionsCommand(io: CliIo): Command {
  const projections = new Command('projections').description("a service's read models: status, rebuild");
  projections.addCommand(
    withStoreOptions(
      new Command('status')
        .description(
          "where each read model of a service stands in the log, and its lag: the inline projections (kept in the append's " +
            'transaction: always at the head of their categories) and the readers with a checkpoint (the relay to Kafka, ' +
            'the consumers of the embedded mode)',
        )
        .argument('<service>', 'tasks or care-plans')
        .argument('[projection]', 'only this one')
        .option('--json', 'one JSON object per read model and line'),
    )
      .addHelpText('after', '\nExample:\n  $ carenet projections status care-plans')
      .action(async (serviceName: string, only: string | undefined, options: StatusOptions) => {
        const service = serviceProjectionsOf(serviceName);
        const inline =
          only === undefined || service.inline.some((p) => p.name === only)
            ? projectionsAsked(service, only)
            : [];
        const readers = service.readers.filter((r) => only === undefined || r.name === only);
        if (inline.length === 0 && readers.length === 0) projectionsAsked(service, only);
        await withStore(options, io, async ({ db }) => {
          const rows: ProjectionStatus[] = [];
          for (const projection of inline) {
            const head = await logHeadSql(db, projection.categories);
            rows.push({
              service: service.service,
              name: projection.name,
              kind: 'inline',
              categories: projection.categories,
              position: head,
              lag: 0,
              head,
            });
          }
          for (const reader of readers) {
            const head = await logHeadSql(db, reader.categories);
            const position = await loadCheckpointSql(db, reader.checkpoint);
            const lag =
              head === null
                ? 0
                : await countEventsSql(db, position ?? START, { categories: reader.categories, to: head });
            rows.push({
              service: service.service,
              name: reader.name,
              kind: reader.kind,
              categories: reader.categories,
              position,
              lag,
              head,
            });
          }
          if (options.json) {
            for (const row of rows) printJsonLine(io, row);
            return;
          }
          printTable(
            io,
            ['read model', 'kind', 'categories', 'position', 'lag', 'head'],
            rows.map((r) => [
              r.name,
              r.kind,
              r.categories.join(','),
              r.position ?? '-',
              String(r.lag),
              r.head ?? '-',
            ]),
          );
          note(
            io,
            'inline projections are written in the append transaction: never behind; a relay or consumer without a position has not started (or runs on Kafka: carenet consumers lag)',
          );
        });
      }),
  );
  projections.addCommand(
    withStoreOptions(
      new Command('rebuild')
        .summary("rebuild a service's read models from the log")
        .description(
          "empty a service's inline read models and replay their categories from the start of the log, each in one " +
            'transaction: searches and reads keep being served from the old read model until the new one commits, and ' +
            'the switch is atomic. Meanwhile the log is locked in share mode: appends (of every service on this database) ' +
            'wait until it commits, and fail only if it outlasts their timeout. An interrupted rebuild leaves the old read ' +
            'model as it was (run it again). Two rebuilds of one projection at once: the second is refused (exit code 5)',
        )
        .argument('<service>', 'tasks or care-plans')
        .argument('[projection]', 'only this projection (default: all of the service)')
        .option('--no-progress', 'no progress bar')
        .option('--json', 'one JSON object per projection rebuilt and line'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet projections rebuild tasks\n  $ carenet projections rebuild care-plans care-plans-read-model-CarePlan',
      )
      .action(async (serviceName: string, only: string | undefined, options: RebuildOptions) => {
        const service = serviceProjectionsOf(serviceName);
        const asked = projectionsAsked(service, only);
        await withStore(options, io, async ({ db }) => {
          const opened = await service.open(db, silentLogger);
          try {
            for (const projection of asked) {
              const lockKey = `carenet.rebuild.${projection.name}`;
              await db.session(async (session) => {
                const [row] = await session.query<{ locked: boolean }>(
                  'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
                  [lockKey],
                );
                if (!row?.locked) {
                  throw new CliBusyError(
                    `a rebuild of ${projection.name} is already running on this database`,
                  );
                }
                try {
                  const started = Date.now();
                  const total = await countEventsSql(db, START, { categories: projection.categories });
                  const progress = startProgress(
                    io,
                    projection.name,
                    total,
                    options.progress && !options.json,
                  );
                  let done = 0;
                  let events: number;
                  try {
                    events = await opened.store.rebuildProjection(projection.name, (applied) => {
                      progress.increment(applied - done);
                      done = applied;
                    });
                  } finally {
                    progress.stop();
                  }
                  const ms = Date.now() - started;
                  const head: LogPosition | null = await logHeadSql(db, projection.categories);
                  if (options.json) {
                    printJsonLine(io, {
                      service: service.service,
                      name: projection.name,
                      events,
                      seconds: ms / 1000,
                      head,
                    });
                  } else {
                    note(
                      io,
                      `${projection.name}: rebuilt from ${events} events in ${ms / 1000} s (${rateOf(events, ms)})`,
                    );
                  }
                } finally {
                  await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
                }
              });
            }
          } finally {
            await opened.stop();
          }
        });
      }),
  );
  return projections;
}
