import { listStreamsSql, type RecordedEvent } from '@carenet/eventsourcing';
import { Command } from 'commander';
import { CliUsageError, type CliIo } from '../cli-io.js';
import { clip, note, printJsonLine, printTable } from '../support/output.js';
import { parseCount } from '../support/instants.js';
import { categoriesOf, collect, SERVICE_NAMES } from '../support/services.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';

interface ListOptions extends StoreOptions {
  readonly category?: string[];
  readonly service?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

interface ShowOptions extends StoreOptions {
  readonly fromRevision?: string;
  readonly toRevision?: string;
  readonly json?: boolean;
}

const PAGE = 1000;

/** `carenet streams list|show`: what is in the store. */
export function streamsCommand(io: CliIo): Command {
  const streams = new Command('streams').description("the store's streams: list them, show one's events");
  streams.addCommand(
    withStoreOptions(
      new Command('list')
        .description('list the streams of the store (stream id order), with their number of events')
        .option('--category <category>', 'only this stream category (repeatable: Task, CarePlan…)', collect)
        .option('--service <service>', `only the categories of a service (${SERVICE_NAMES.join(', ')})`)
        .option('--limit <n>', 'at most this many streams')
        .option('--json', 'one JSON object per stream and line (for jq)'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet streams list --service tasks\n' +
          "  $ carenet streams list --category CarePlan --json | jq -r 'select(.events > 10) | .streamId'",
      )
      .action(async (options: ListOptions) => {
        const categories = categoriesOf(options);
        const limit = options.limit === undefined ? Infinity : parseCount(options.limit, '--limit');
        await withStore(options, io, async ({ db }) => {
          const rows: string[][] = [];
          let after: string | undefined;
          let count = 0;
          while (count < limit) {
            const page = await listStreamsSql(db, {
              ...(categories !== undefined && { categories }),
              ...(after !== undefined && { after }),
              limit: Math.min(PAGE, limit - count),
            });
            for (const stream of page) {
              const summary = { ...stream, events: stream.revision + 1 };
              if (options.json) printJsonLine(io, summary);
              else
                rows.push([
                  stream.streamId,
                  stream.category,
                  String(summary.events),
                  String(stream.revision),
                  stream.createdAt,
                  stream.updatedAt,
                ]);
            }
            count += page.length;
            after = page.at(-1)?.streamId;
            if (page.length < PAGE) break;
          }
          if (!options.json) {
            printTable(io, ['stream', 'category', 'events', 'revision', 'created', 'updated'], rows);
            note(io, `${count} stream${count === 1 ? '' : 's'}`);
          }
        });
      }),
  );
  streams.addCommand(
    withStoreOptions(
      new Command('show')
        .description("show a stream's events in revision order")
        .argument('<stream>', 'the stream id, <ResourceType>-<id> (e.g. Task-7f3c…)')
        .option('--from-revision <n>', 'first revision to show (0-based)', '0')
        .option('--to-revision <n>', 'last revision to show (inclusive)')
        .option('--json', 'one JSON object per event and line, data and metadata included (for jq)'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet streams show Task-5f0c6e9a-3b1d-4c55-9d43-2f8a1c7e0b21\n' +
          "  $ carenet streams show CarePlan-42 --from-revision 3 --json | jq '.data'",
      )
      .action(async (streamId: string, options: ShowOptions) => {
        const fromRevision = revisionOf(options.fromRevision ?? '0', '--from-revision');
        const toRevision =
          options.toRevision === undefined ? undefined : revisionOf(options.toRevision, '--to-revision');
        await withStore(options, io, async ({ store }) => {
          const revision = await store.streamRevision(streamId);
          if (revision === null) throw new CliUsageError(`no stream "${streamId}" in the store`);
          const events = await store.readStream(streamId, {
            fromRevision,
            ...(toRevision !== undefined && { toRevision }),
          });
          if (options.json) {
            for (const event of events) printJsonLine(io, eventJson(event));
            return;
          }
          printTable(
            io,
            ['revision', 'type', 'recorded', 'position', 'event id', 'data'],
            events.map((e) => [
              String(e.revision),
              e.type,
              e.recordedAt,
              e.logPosition,
              e.id,
              clip(JSON.stringify(e.data), 50),
            ]),
          );
          note(io, `${events.length} of ${revision + 1} events of ${streamId}`);
        });
      }),
  );
  return streams;
}

function revisionOf(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new CliUsageError(`${flag} takes a revision, 0 or more (got "${text}")`);
  return Number(text);
}

/** An event as the `--json` outputs print it. */
export function eventJson(event: RecordedEvent): Record<string, unknown> {
  return {
    streamId: event.streamId,
    revision: event.revision,
    type: event.type,
    id: event.id,
    position: event.logPosition,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: event.metadata,
  };
}
