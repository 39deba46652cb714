import { randomUUID } from 'node:crypto';
import { CLOUDEVENTS_HEADERS, loadContractRegistry } from '@carenet/contracts';
import {
  categoryOf,
  countEventsSql,
  logHeadSql,
  logPositionAtTimeSql,
  logPositionBefore,
  START,
  type LogPosition,
  type RecordedEvent,
} from '@carenet/eventsourcing';
import {
  InvalidTopicProtectionKeyError,
  publishedValue,
  toKafkaMessage,
  topicProtectionFromEnv,
  type TopicProtection,
} from '@carenet/messaging';
import { Command } from 'commander';
import type { Message, Producer } from 'kafkajs';
import { CliProblemsFoundError, CliUsageError, type CliIo } from '../cli-io.js';
import { parseCount, parseInstant, parseLogPosition } from '../support/instants.js';
import {
  brokersOf,
  connected,
  kafkaOf,
  withKafkaOptions,
  type KafkaOptions,
} from '../support/kafka-connection.js';
import { note, printJsonLine, rateOf } from '../support/output.js';
import { startProgress } from '../support/progress.js';
import { categoriesOf, collect, SERVICE_NAMES, serviceOf } from '../support/services.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';

interface RepublishOptions extends StoreOptions, KafkaOptions {
  readonly service: string;
  readonly fromPosition?: string;
  readonly fromTime?: string;
  readonly toPosition?: string;
  readonly toTime?: string;
  readonly category?: string[];
  readonly stream?: string;
  readonly topic?: string;
  readonly rate?: string;
  readonly batchSize: string;
  readonly dryRun?: boolean;
  readonly progress: boolean;
  readonly json?: boolean;
}

/** Where a republish starts and ends in the log, and what it takes. */
interface Range {
  readonly from: LogPosition;
  /** The last position included (default: the head of the log when the run started). */
  readonly to: LogPosition | null;
  readonly fromTime?: string;
  readonly toTime?: string;
}

export interface RepublishSummary {
  readonly replayId: string;
  readonly service: string;
  readonly topic: string;
  readonly dryRun: boolean;
  readonly events: number;
  readonly streams: number;
  readonly byType: Record<string, number>;
  readonly firstPosition: string | null;
  readonly lastPosition: string | null;
  readonly seconds: number;
}

/** `carenet republish`: re-emits a range of the log (or one stream) to Kafka, marked as a replay. */
export function republishCommand(io: CliIo): Command {
  return withKafkaOptions(
    withStoreOptions(
      new Command('republish')
        .summary("re-emit a service's events to Kafka, marked as a replay")
        .description(
          "re-emit a service's events to Kafka, from the store's log: a range of positions or instants, or one stream. " +
            'Each message is the one the relay sent (same key, value and headers, same ce_id) plus a carenet_replay header ' +
            "(the run's id): consumers' inboxes skip what they already applied. The relay's checkpoint is not touched. " +
            'As the relay, it seals the personal data the contracts mark "sealed" with CARENET_TOPIC_PROTECTION_KEY ' +
            '(the same key as the services), or leaves it out without one: never in clear',
        )
        .requiredOption(
          '--service <service>',
          `the service whose events to re-emit (${SERVICE_NAMES.join(', ')})`,
        )
        .option(
          '--from-position <position>',
          'start after this log position (as printed by the CLI, or "start")',
        )
        .option('--from-time <time>', 'start at this instant (ISO 8601, or 15m, 2h, 3d ago)')
        .option(
          '--to-position <position>',
          'end at this log position, included (default: the head of the log at start)',
        )
        .option('--to-time <time>', 'end with the events recorded at or before this instant')
        .option('--category <category>', "only this category of the service's (repeatable)", collect)
        .option('--stream <stream>', 'only this stream (alone: all of it)')
        .option('--topic <topic>', "send to this topic instead of the service's (carenet.<service>)")
        .option('--rate <n/s>', 'at most n events per second (e.g. 500 or 500/s)')
        .option('--batch-size <n>', 'events per Kafka batch', '1000')
        .option('--dry-run', 'read and count what would be sent; send nothing (needs no broker)')
        .option('--no-progress', 'no progress bar')
        .option('--json', 'the summary as one JSON object'),
    ),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ carenet republish --service tasks --from-time 2026-12-07T08:00:00Z --to-time 2026-12-07T12:00:00Z --dry-run\n' +
        '  $ carenet republish --service care-plans --from-position start --rate 2000/s\n' +
        '  $ carenet republish --service tasks --stream Task-5f0c6e9a-3b1d-4c55-9d43-2f8a1c7e0b21',
    )
    .action(async (options: RepublishOptions) => {
      const service = serviceOf(options.service);
      const categories = categoriesOf(
        { service: options.service, ...(options.category && { category: options.category }) },
        true,
      );
      if (options.fromPosition !== undefined && options.fromTime !== undefined)
        throw new CliUsageError('give --from-position or --from-time, not both');
      if (options.toPosition !== undefined && options.toTime !== undefined)
        throw new CliUsageError('give --to-position or --to-time, not both');
      if (
        options.fromPosition === undefined &&
        options.fromTime === undefined &&
        options.stream === undefined
      )
        throw new CliUsageError('say what to republish: --from-position, --from-time or --stream');
      if (options.stream !== undefined && !(categories ?? []).includes(categoryOf(options.stream)))
        throw new CliUsageError(
          `stream ${options.stream} is not of service ${service.name} (${(categories ?? []).join(', ')})`,
        );
      const fromTime =
        options.fromTime === undefined ? undefined : parseInstant(options.fromTime, '--from-time');
      const toTime = options.toTime === undefined ? undefined : parseInstant(options.toTime, '--to-time');
      const fromPosition =
        options.fromPosition === undefined
          ? undefined
          : parseLogPosition(options.fromPosition, '--from-position');
      const toPosition =
        options.toPosition === undefined ? undefined : parseLogPosition(options.toPosition, '--to-position');
      const rate = options.rate === undefined ? undefined : rateOption(options.rate);
      const batchSize = parseCount(options.batchSize, '--batch-size');
      const topic = options.topic ?? service.topic;
      const brokers = options.dryRun ? [] : brokersOf(options, io);
      const contracts = loadContractRegistry();
      const replayId = randomUUID();
      let protection: TopicProtection | undefined;
      try {
        protection = topicProtectionFromEnv(io.env);
      } catch (error) {
        if (error instanceof InvalidTopicProtectionKeyError)
          throw new CliUsageError(`CARENET_TOPIC_PROTECTION_KEY: ${error.message}`);
        throw error;
      }

      await withStore(options, io, async ({ db, store }) => {
        const started = Date.now();
        if (options.stream !== undefined && (await store.streamRevision(options.stream)) === null)
          throw new CliUsageError(`no stream "${options.stream}" in the store`);
        // --from-time with nothing recorded since (null): nothing to send.
        const at =
          fromTime !== undefined && fromPosition === undefined
            ? await logPositionAtTimeSql(db, fromTime, categories)
            : undefined;
        const range: Range = {
          from: fromPosition ?? at ?? START,
          to: toPosition ?? (await logHeadSql(db, categories)),
          ...(fromTime !== undefined && { fromTime }),
          ...(toTime !== undefined && { toTime }),
        };
        const nothing = at === null || range.to === null;
        const total = nothing
          ? 0
          : options.stream !== undefined
            ? ((await store.streamRevision(options.stream)) ?? -1) + 1
            : await countEventsSql(db, range.from, {
                ...(categories !== undefined && { categories }),
                to: range.to,
              });

        let producer: Producer | undefined;
        if (!options.dryRun) {
          producer = await connected(
            kafkaOf(brokers, io.env).producer({ idempotent: true, maxInFlightRequests: 1 }),
            brokers,
          );
        }
        const progress = startProgress(
          io,
          options.dryRun ? 'dry run' : 'republish',
          total,
          options.progress && !options.json,
        );
        const summary = {
          events: 0,
          streams: new Set<string>(),
          byType: {} as Record<string, number>,
          first: null as string | null,
          last: null as string | null,
        };
        const send = async (events: readonly RecordedEvent[]): Promise<void> => {
          const messages: Message[] = [];
          for (const event of events) {
            const message = toKafkaMessage(event);
            const ceType = message.headers[CLOUDEVENTS_HEADERS.type] ?? '';
            const verdict = contracts.validate(ceType, event.data);
            if (!verdict.ok) {
              throw new CliProblemsFoundError(
                `event ${event.id} (${event.type} in ${event.streamId}@${event.revision}, position ${event.logPosition}) ` +
                  `violates its contract: ${verdict.error.message}; ${summary.events} events were sent before it`,
              );
            }
            messages.push({
              key: message.key,
              // What the relay sends: the clear part, the sealed values in `protected` (or left out).
              value: publishedValue(event, ceType, contracts, protection),
              headers: { ...message.headers, [CLOUDEVENTS_HEADERS.replay]: replayId },
            });
          }
          if (producer !== undefined && messages.length > 0) {
            await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
          }
          for (const event of events) {
            summary.events += 1;
            summary.streams.add(event.streamId);
            summary.byType[event.type] = (summary.byType[event.type] ?? 0) + 1;
            summary.first ??= event.logPosition;
            summary.last = event.logPosition;
          }
          progress.increment(events.length);
          if (rate !== undefined) {
            const due = started + (summary.events * 1000) / rate;
            const wait = due - Date.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          }
        };
        const chunk = rate === undefined ? batchSize : Math.max(1, Math.min(batchSize, Math.ceil(rate / 10)));
        const inRange = (event: RecordedEvent): 'before' | 'in' | 'after' => {
          if (range.to !== null && logPositionBefore(range.to, event.logPosition)) return 'after';
          if (range.toTime !== undefined && Date.parse(event.recordedAt) > Date.parse(range.toTime))
            return 'after';
          if (!logPositionBefore(range.from, event.logPosition)) return 'before';
          if (range.fromTime !== undefined && Date.parse(event.recordedAt) < Date.parse(range.fromTime))
            return 'before';
          return 'in';
        };
        try {
          if (nothing) {
            // Nothing recorded in the range.
          } else if (options.stream !== undefined) {
            const events = (await store.readStream(options.stream)).filter((e) => inRange(e) === 'in');
            for (let i = 0; i < events.length; i += chunk) await send(events.slice(i, i + chunk));
          } else {
            // The next batch is read while the current one is sent: the time of a batch is the
            // longer of the two, not their sum.
            const read = (from: LogPosition) => {
              const reading = store.readAll(from, {
                ...(categories !== undefined && { categories }),
                limit: chunk,
              });
              reading.catch(() => undefined); // awaited below; never an unhandled rejection
              return reading;
            };
            let next = read(range.from);
            for (;;) {
              const batch = await next;
              const within: RecordedEvent[] = [];
              let ended = batch.events.length < chunk;
              for (const event of batch.events) {
                const where = inRange(event);
                if (where === 'after') {
                  ended = true;
                  break;
                }
                if (where === 'in') within.push(event);
              }
              if (!ended) next = read(batch.next);
              await send(within);
              if (ended) break;
            }
          }
        } finally {
          progress.stop();
          await producer?.disconnect().catch(() => undefined);
        }
        const ms = Date.now() - started;
        const result: RepublishSummary = {
          replayId,
          service: service.name,
          topic,
          dryRun: options.dryRun === true,
          events: summary.events,
          streams: summary.streams.size,
          byType: summary.byType,
          firstPosition: summary.first,
          lastPosition: summary.last,
          seconds: ms / 1000,
        };
        if (options.json) {
          printJsonLine(io, result);
          return;
        }
        const types = Object.entries(summary.byType)
          .map(([type, count]) => `${type} ${count}`)
          .join(', ');
        note(
          io,
          options.dryRun
            ? `dry run: would republish ${summary.events} events of ${summary.streams.size} streams to ${topic}` +
                (summary.events > 0 ? ` (positions ${summary.first} to ${summary.last}; ${types})` : '')
            : `republished ${summary.events} events of ${summary.streams.size} streams to ${topic} in ${result.seconds} s ` +
                `(${rateOf(summary.events, ms)}), replay id ${replayId}` +
                (summary.events > 0 ? `, positions ${summary.first} to ${summary.last}` : ''),
        );
        if (protection === undefined && !options.dryRun && summary.events > 0) {
          note(
            io,
            'CARENET_TOPIC_PROTECTION_KEY is not set: the values the contracts seal were left out of the messages, as the relay does without the key',
          );
        }
      });
    });
}

/** `--rate 500` or `--rate 500/s`. */
function rateOption(text: string): number {
  const match = /^(\d+)(\/s)?$/.exec(text);
  if (!match?.[1] || Number(match[1]) <= 0)
    throw new CliUsageError(`--rate takes a number of events per second, e.g. 500 or 500/s (got "${text}")`);
  return Number(match[1]);
}
