import {
  countEventsSql,
  loadCheckpointSql,
  logHeadSql,
  RebuildBusyError,
  rebuildOnline,
  rebuildStatusSql,
  silentLogger,
  START,
  type InlineProjection,
  type LogPosition,
  type OnlineRebuildReport,
  type PostgresEventStore,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import { Command } from 'commander';
import { CliBusyError, CliUsageError, type CliIo } from '../cli-io.js';
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
  readonly restart?: boolean;
}

/** A rebuild under way, as status shows it. */
export interface RebuildProgress {
  readonly phase: string;
  /** Where the rebuild stands in the log (its bulk phase's target, then its catch-up's position). */
  readonly position: string;
  /** Committed events of its categories after that position. */
  readonly lag: number;
  readonly startedAt: string;
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
  /** An online rebuild of it under way (or left half-way: `projections rebuild` resumes it). */
  readonly rebuild?: RebuildProgress;
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
        .argument('<service>', 'tasks, care-plans or shared-info')
        .argument('[projection]', 'only this one')
        .option('--json', 'one JSON object per read model and line'),
    )
      .addHelpText('after', '\nExample:\n  $ carenet projections status care-plans')
      .action(async (serviceName: string, only: string | undefined, options: StatusOptions) => {
        const service = serviceProjectionsOf(serviceName);
        await withStore(options, io, async ({ db }) => {
          const opened = await service.open(db, silentLogger);
          try {
            const inline = opened.store.inlineProjections.filter(
              (p) => only === undefined || p.name === only,
            );
            const readers = (opened.readers ?? service.readers).filter(
              (r) => only === undefined || r.name === only,
            );
            if (inline.length === 0 && readers.length === 0) {
              throw new CliUsageError(`no projection "${only ?? ''}" in service ${service.service}`);
            }
            const rebuilds = new Map((await rebuildStatusSql(db)).map((r) => [r.projection, r]));
            const rows: ProjectionStatus[] = [];
            for (const projection of inline) {
              const head = await logHeadSql(db, projection.categories);
              const rebuild = rebuilds.get(projection.name);
              rows.push({
                service: service.service,
                name: projection.name,
                kind: 'inline',
                categories: projection.categories,
                position: head,
                lag: 0,
                head,
                ...(rebuild !== undefined && {
                  rebuild: {
                    phase: rebuild.phase,
                    position: rebuild.position,
                    lag:
                      head === null
                        ? 0
                        : await countEventsSql(db, rebuild.position, {
                            categories: projection.categories,
                            to: head,
                          }),
                    startedAt: rebuild.startedAt,
                  },
                }),
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
              ['read model', 'kind', 'categories', 'position', 'lag', 'head', 'rebuild under way'],
              rows.map((r) => [
                r.name,
                r.kind,
                r.categories.join(','),
                r.position ?? '-',
                String(r.lag),
                r.head ?? '-',
                r.rebuild === undefined
                  ? '-'
                  : `${r.rebuild.phase} at ${r.rebuild.position}, ${r.rebuild.lag} behind`,
              ]),
            );
            note(
              io,
              'inline projections are written in the append transaction: never behind; a relay or consumer without a position has not started (or runs on Kafka: carenet consumers lag); a rebuild under way builds new tables beside the live ones (its lag: events it has still to apply before its switch)',
            );
          } finally {
            await opened.stop();
          }
        });
      }),
  );
  projections.addCommand(
    withStoreOptions(
      new Command('rebuild')
        .summary("rebuild a service's read models from the log, without stopping the service")
        .description(
          "rebuild a service's inline read models from the log while the service keeps running: the new read model is " +
            'built in new tables beside the live ones (which keep serving and being written), first in bulk up to the ' +
            'head of the log, then caught up event by event, then switched in one short transaction that holds the ' +
            "appends of the log (every service's) for the last events and the swap (milliseconds; a type's FHIR " +
            'partition is swapped, not copied). Interrupted, it resumes where it stopped when run again (--restart: ' +
            'start over). Two rebuilds of one projection at once: the second is refused (exit code 5). A read model ' +
            'that names no tables is rebuilt the old way: in one transaction holding the log in share mode',
        )
        .argument('<service>', 'tasks, care-plans or shared-info')
        .argument('[projection]', 'only this projection (default: all of the service)')
        .option('--restart', 'drop what a rebuild left half-way and start over')
        .option('--no-progress', 'no progress bar')
        .option('--json', 'one JSON object per projection rebuilt and line'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet projections rebuild tasks\n  $ carenet projections rebuild care-plans care-plans-read-model-CarePlan',
      )
      .action(async (serviceName: string, only: string | undefined, options: RebuildOptions) => {
        const service = serviceProjectionsOf(serviceName);
        await withStore(options, io, async ({ db }) => {
          const opened = await service.open(db, silentLogger);
          try {
            for (const projection of projectionsAsked(service, opened.store, only)) {
              const started = Date.now();
              const total = await countEventsSql(db, START, { categories: projection.categories });
              const progress = startProgress(io, projection.name, total, options.progress && !options.json);
              let report: Pick<OnlineRebuildReport, 'events'> & Partial<OnlineRebuildReport>;
              try {
                report = await rebuildOne(db, opened.store, projection, options, (events) => {
                  progress.increment(events);
                });
              } finally {
                progress.stop();
              }
              const ms = Date.now() - started;
              const head: LogPosition | null = await logHeadSql(db, projection.categories);
              const online = report.switchMs !== undefined;
              if (options.json) {
                printJsonLine(io, {
                  service: service.service,
                  name: projection.name,
                  mode: online ? 'online' : 'locked',
                  events: report.events,
                  seconds: ms / 1000,
                  ...(online && {
                    resumed: report.resumed,
                    switchMs: Math.round((report.switchMs ?? 0) * 10) / 10,
                    switchAttempts: report.switchAttempts,
                    phases: report.seconds,
                  }),
                  head,
                });
              } else {
                note(
                  io,
                  `${projection.name}: rebuilt from ${report.events} events in ${ms / 1000} s (${rateOf(report.events, ms)})` +
                    (online
                      ? `${report.resumed ? ', resumed' : ''}; the switch held the log ${Math.round(report.switchMs ?? 0)} ms`
                      : '; the log was held in share mode throughout (no online rebuild for it)'),
                );
              }
            }
          } finally {
            await opened.stop();
          }
        });
      }),
  );
  return projections;
}

/**
 * One projection rebuilt: online when it names its tables; otherwise in one transaction holding
 * the log in share mode (under the same advisory lock). `advanced`: events handled since the last call.
 */
async function rebuildOne(
  db: SqlDatabase,
  store: PostgresEventStore,
  projection: InlineProjection,
  options: RebuildOptions,
  advanced: (events: number) => void,
): Promise<Pick<OnlineRebuildReport, 'events'> & Partial<OnlineRebuildReport>> {
  let done = 0;
  const onProgress = (_phase: string, events: number) => {
    advanced(events - done);
    done = events;
  };
  if (projection.tables !== undefined) {
    try {
      return await rebuildOnline(db, projection, {
        ...(options.restart !== undefined && { restart: options.restart }),
        onProgress,
      });
    } catch (error) {
      if (error instanceof RebuildBusyError) throw new CliBusyError(error.message);
      throw error;
    }
  }
  const lockKey = `carenet.rebuild.${projection.name}`;
  return db.session(async (session) => {
    const [row] = await session.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [lockKey],
    );
    if (!row?.locked)
      throw new CliBusyError(`a rebuild of ${projection.name} is already running on this database`);
    try {
      const events = await store.rebuildProjection(projection.name, (applied) => {
        onProgress('replay', applied);
      });
      return { events };
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  });
}
