import {
  logHeadSql,
  logPositionAtTimeSql,
  logPositionBeforeLastSql,
  type LogPosition,
  type RecordedEvent,
} from '@carenet/eventsourcing';
import { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { isLogPosition, parseCount, parseInstant, parseLogPosition } from '../support/instants.js';
import { clip, printJsonLine } from '../support/output.js';
import { categoriesOf, collect, SERVICE_NAMES } from '../support/services.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';
import { eventJson } from './streams-command.js';

interface TailOptions extends StoreOptions {
  readonly category?: string[];
  readonly service?: string;
  readonly from?: string;
  readonly last: string;
  readonly follow?: boolean;
  readonly limit?: string;
  readonly pollMs: string;
  readonly json?: boolean;
}

/** `carenet log tail`: the global log, as the relays and subscriptions read it. */
export function logCommand(io: CliIo): Command {
  const log = new Command('log').description("the store's global log");
  log.addCommand(
    withStoreOptions(
      new Command('tail')
        .description(
          'print the global log in log order: its last events, or from a position or an instant; --follow waits for new ones',
        )
        .option('--category <category>', 'only this stream category (repeatable)', collect)
        .option('--service <service>', `only the categories of a service (${SERVICE_NAMES.join(', ')})`)
        .option(
          '--from <position|time>',
          'start after a log position (as printed, or "start") or at an instant (ISO 8601, or 15m, 2h, 3d ago)',
        )
        .option('--last <n>', 'without --from: the last n events', '20')
        .option('--follow', 'keep printing new events as they are committed (Ctrl-C stops)')
        .option('--limit <n>', 'stop after n events')
        .option('--poll-ms <ms>', 'with --follow: how often the log is read', '250')
        .option('--json', 'one JSON object per event and line, data and metadata included (for jq)'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet log tail --service care-plans --last 50\n' +
          '  $ carenet log tail --from 2h --category Task --json | jq -r .type | sort | uniq -c\n' +
          '  $ carenet log tail --follow',
      )
      .action(async (options: TailOptions) => {
        const categories = categoriesOf(options);
        const limit = options.limit === undefined ? Infinity : parseCount(options.limit, '--limit');
        const last = parseCount(options.last, '--last');
        const pollMs = parseCount(options.pollMs, '--poll-ms');
        const from = options.from;
        const since =
          from === undefined
            ? undefined
            : isLogPosition(from) || from === 'start'
              ? { position: parseLogPosition(from, '--from') }
              : { time: parseInstant(from, '--from') };
        await withStore(options, io, async ({ db, store }) => {
          let position: LogPosition;
          if (since === undefined) {
            position = await logPositionBeforeLastSql(db, last, categories);
          } else if ('position' in since) {
            position = since.position;
          } else {
            const at = await logPositionAtTimeSql(db, since.time, categories);
            // Nothing recorded since then: from the head (what comes next is after it).
            position = at ?? (await logHeadSql(db, categories)) ?? ('0:0' as LogPosition);
          }
          let printed = 0;
          const state = { stopped: false };
          let wake: (() => void) | undefined;
          const stop = () => {
            state.stopped = true;
            wake?.();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          try {
            while (!state.stopped && printed < limit) {
              const batch = await store.readAll(position, {
                ...(categories !== undefined && { categories }),
                limit: Math.min(500, limit - printed),
              });
              for (const event of batch.events) {
                if (options.json) printJsonLine(io, eventJson(event));
                else io.stdout.write(`${logLine(event)}\n`);
              }
              printed += batch.events.length;
              position = batch.next;
              if (batch.events.length === 0) {
                if (!options.follow) break;
                await new Promise<void>((resolve) => {
                  const timer = setTimeout(resolve, pollMs);
                  wake = () => {
                    clearTimeout(timer);
                    resolve();
                  };
                });
              }
            }
          } finally {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
          }
        });
      }),
  );
  return log;
}

/** One event on one line, for humans. */
function logLine(event: RecordedEvent): string {
  return [
    event.recordedAt,
    event.logPosition.padEnd(12),
    `${event.streamId}@${event.revision}`,
    event.type,
    clip(JSON.stringify(event.data), 80),
  ].join('  ');
}
