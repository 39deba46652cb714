import { randomUUID } from 'node:crypto';
import { CLOUDEVENTS_HEADERS as H, DEAD_LETTER_HEADERS as D, deadLetterTopicOf } from '@carenet/contracts';
import {
  loadCheckpointSql,
  logPositionBefore,
  logPositionJustBefore,
  logPositionsOfEventsSql,
  storeCheckpointSql,
  type LogPosition,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import { Command } from 'commander';
import type { Admin } from 'kafkajs';
import { CliUsageError, type CliIo } from '../cli-io.js';
import {
  connected,
  brokersOf,
  withAdmin,
  withKafkaOptions,
  type KafkaOptions,
} from '../support/kafka-connection.js';
import { clip, note, printJsonLine, printTable } from '../support/output.js';
import { collect } from '../support/services.js';
import { nonEmpty, withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';
import { readTopicToEnd, type TopicRecord } from '../support/topic-reader.js';

interface DlqOptions extends KafkaOptions, StoreOptions {
  readonly group: string;
  readonly filter?: string[];
  readonly json?: boolean;
}

interface RedriveOptions extends DlqOptions {
  readonly all?: boolean;
  readonly toTopic?: string;
  readonly dryRun?: boolean;
}

/** A dead letter, as the CLI shows it. */
export interface DeadLetterView {
  readonly partition: number;
  readonly offset: number;
  readonly deadAt: string;
  readonly key: string | null;
  readonly id: string | null;
  readonly type: string | null;
  readonly subject: string | null;
  readonly errorType: string | null;
  readonly errorMessage: string | null;
  readonly attempts: number | null;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: number | null;
  /** Sent back by an earlier `dlq redrive` (without --filter). */
  readonly redriven: boolean;
}

const FILTER_KEYS = ['type', 'subject', 'id', 'error', 'message', 'topic'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** The group whose committed offsets on `<group>.dlq` mark where the last full redrive ended. */
export function redriveGroupOf(group: string): string {
  return `carenet-cli.redrive.${group}`;
}

const filterOption = [
  '--filter <key=value>',
  `only the letters that match (repeatable, all must match): ${FILTER_KEYS.join(', ')} ` +
    '(type, subject, message: contains; id, error (its class), topic (original): equals)',
] as const;

/** `carenet dlq list|show|redrive`: a consumer group's dead letters (`<group>.dlq`). */
export function dlqCommand(io: CliIo): Command {
  const dlq = new Command('dlq').description(
    "a consumer group's dead letters (<group>.dlq on Kafka; without KAFKA_BROKERS the embedded mode's messaging.dead_letters): list, show, send back",
  );
  dlq.addCommand(
    withDlqOptions(
      new Command('list')
        .description(
          'list the dead letters of a consumer group, oldest first, with the reason each was given up on',
        )
        .requiredOption('--group <group>', 'the consumer group')
        .option(...filterOption, collect)
        .option('--json', 'one JSON object per letter and line'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet dlq list --group care-plans.task-progress\n' +
          '  $ carenet dlq list --group care-plans.task-progress --filter error=InvalidEventDataError --json | jq -r .id',
      )
      .action(async (options: DlqOptions) => {
        const filters = filtersOf(options.filter);
        {
          const letters = (await loadLetters(options, io)).filter((l) => matches(l.view, filters));
          if (options.json) {
            for (const letter of letters) printJsonLine(io, letter.view);
            return;
          }
          printTable(
            io,
            ['at', 'dead since', 'type', 'subject', 'error', 'message', 'redriven'],
            letters.map(({ view }) => [
              `${view.partition}:${view.offset}`,
              view.deadAt,
              view.type ?? '-',
              view.subject ?? '-',
              view.errorType ?? '-',
              clip(view.errorMessage ?? '', 50),
              view.redriven ? 'yes' : 'no',
            ]),
          );
          const waiting = letters.filter((l) => !l.view.redriven).length;
          note(
            io,
            `${letters.length} dead letter${letters.length === 1 ? '' : 's'} of group ${options.group} (${waiting} not redriven)`,
          );
        }
      }),
  );
  dlq.addCommand(
    withDlqOptions(
      new Command('show')
        .description('show one dead letter: every header and the value')
        .argument('<letter>', 'partition:offset as listed, or the ce_id of the message')
        .requiredOption('--group <group>', 'the consumer group')
        .option('--json', 'as one JSON object'),
    )
      .addHelpText('after', '\nExample:\n  $ carenet dlq show 0:17 --group care-plans.task-progress')
      .action(async (which: string, options: DlqOptions) => {
        {
          const letters = await loadLetters(options, io);
          const at = /^(\d+):(\d+)$/.exec(which);
          const letter = letters.find((l) =>
            at
              ? l.record.partition === Number(at[1]) && l.record.offset === Number(at[2])
              : l.view.id === which,
          );
          if (!letter) throw new CliUsageError(`no dead letter "${which}" for group ${options.group}`);
          const value = valueOf(letter.record);
          if (options.json) {
            printJsonLine(io, { ...letter.view, headers: letter.record.headers, value });
            return;
          }
          printTable(
            io,
            ['header', 'value'],
            Object.entries(letter.record.headers).map(([k, v]) => [k, v]),
          );
          io.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);
        }
      }),
  );
  dlq.addCommand(
    withDlqOptions(
      new Command('redrive')
        .summary('send dead letters back to their topic, after a fix')
        .description(
          'send dead letters back to the topic they came from (carenet_original_topic), after the cause was fixed: ' +
            'same key, value and headers (the carenet_error_* and carenet_original_* headers removed). ' +
            'Every group on that topic gets them again; their inboxes skip what they already applied. A redrive without --filter ' +
            'remembers where it ended, and the next one starts there (unless --all)',
        )
        .requiredOption('--group <group>', 'the consumer group')
        .option(...filterOption, collect)
        .option('--all', 'also the letters an earlier redrive sent back')
        .option('--to-topic <topic>', 'send them there instead of their original topic')
        .option('--dry-run', 'list what would be sent; send nothing')
        .option('--json', 'one JSON object per letter sent and line, then a summary'),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet dlq redrive --group care-plans.task-progress --dry-run\n' +
          '  $ carenet dlq redrive --group care-plans.task-progress --filter error=PermanentMessageError',
      )
      .action(async (options: RedriveOptions) => {
        const filters = filtersOf(options.filter);
        if (!onKafka(options, io)) {
          await redriveEmbedded(options, filters, io);
          return;
        }
        const brokers = brokersOf(options, io);
        await withAdmin(options, io, async (admin, kafka) => {
          const topic = deadLetterTopicOf(options.group);
          const letters = await readLetters(kafka, admin, options.group);
          const chosen = letters.filter(
            (l) => (options.all === true || !l.view.redriven) && matches(l.view, filters),
          );
          const runId = randomUUID();
          const sent: DeadLetterView[] = [];
          const skipped: DeadLetterView[] = [];
          const producer = options.dryRun
            ? undefined
            : await connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1 }), brokers);
          try {
            for (const letter of chosen) {
              const target = options.toTopic ?? letter.view.originalTopic;
              if (target === null) {
                skipped.push(letter.view);
                continue;
              }
              const letterHeaders: readonly string[] = Object.values(D);
              const headers = Object.fromEntries(
                Object.entries(letter.record.headers).filter(([name]) => !letterHeaders.includes(name)),
              );
              await producer?.send({
                topic: target,
                acks: -1,
                messages: [{ key: letter.record.key, value: letter.record.value, headers }],
              });
              sent.push(letter.view);
            }
            // A full redrive remembers where it ended: the next one starts there.
            if (producer !== undefined && filters.length === 0 && letters.length > 0) {
              const ends = new Map<number, number>();
              for (const l of letters)
                ends.set(
                  l.record.partition,
                  Math.max(ends.get(l.record.partition) ?? 0, l.record.offset + 1),
                );
              await admin.setOffsets({
                groupId: redriveGroupOf(options.group),
                topic,
                partitions: [...ends].map(([partition, offset]) => ({ partition, offset: String(offset) })),
              });
            }
          } finally {
            await producer?.disconnect().catch(() => undefined);
          }
          const summary = {
            group: options.group,
            runId,
            dryRun: options.dryRun === true,
            sent: sent.length,
            skipped: skipped.length,
            alreadyRedriven: letters.filter((l) => l.view.redriven && !options.all).length,
          };
          if (options.json) {
            for (const view of sent) printJsonLine(io, view);
            printJsonLine(io, { summary });
            return;
          }
          note(
            io,
            `${options.dryRun ? 'dry run: would send' : 'sent'} ${sent.length} dead letter${sent.length === 1 ? '' : 's'} of group ${options.group} back` +
              (options.toTopic ? ` to ${options.toTopic}` : ' to their topics') +
              (skipped.length > 0
                ? `; ${skipped.length} skipped (no carenet_original_topic header: give --to-topic)`
                : '') +
              (summary.alreadyRedriven > 0
                ? `; ${summary.alreadyRedriven} already redriven left out (--all to include them)`
                : ''),
          );
        });
      }),
  );
  return dlq;
}

/** Kafka when brokers are given (flag or KAFKA_BROKERS); else the embedded mode's table. */
function onKafka(options: KafkaOptions, io: CliIo): boolean {
  return options.brokers !== undefined || nonEmpty(io.env.KAFKA_BROKERS) !== undefined;
}

function withDlqOptions(command: Command): Command {
  return withStoreOptions(withKafkaOptions(command));
}

/** The letters of the group: from `<group>.dlq` on Kafka, or from `messaging.dead_letters`. */
async function loadLetters(options: DlqOptions, io: CliIo): Promise<Letter[]> {
  if (onKafka(options, io)) {
    return withAdmin(options, io, (admin, kafka) => readLetters(kafka, admin, options.group));
  }
  return withStore(options, io, ({ db }) => readEmbeddedLetters(db, options.group));
}

/**
 * The embedded mode's dead letters (a consumer fed by the store log): rows of
 * `messaging.dead_letters`, shown as partition 0 at the row's id.
 */
async function readEmbeddedLetters(db: SqlExecutor, group: string): Promise<Letter[]> {
  const [table] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('messaging.dead_letters') IS NOT NULL AS present",
  );
  if (!table?.present)
    throw new CliUsageError('no dead letters in this store (no messaging schema: no consumer ran on it)');
  const rows = await db.query<{
    id: string;
    message_key: string | null;
    message_value: Uint8Array | null;
    headers: Record<string, string>;
    recorded_at: string;
  }>(
    `SELECT id::text AS id, message_key, message_value, headers, to_json(recorded_at) #>> '{}' AS recorded_at
       FROM messaging.dead_letters WHERE consumer_group = $1 ORDER BY id`,
    [group],
  );
  return rows.map((row) => {
    const record: TopicRecord = {
      partition: 0,
      offset: Number(row.id),
      timestamp: new Date(row.recorded_at).toISOString(),
      key: row.message_key,
      value: row.message_value === null ? null : Buffer.from(row.message_value),
      headers: row.headers,
    };
    return { record, view: viewOf(record, false) };
  });
}

/**
 * A redrive in the embedded mode: the consumer reads the store log from its checkpoint
 * (`consumer.<group>`), so its checkpoint goes back to just before the earliest event sent back,
 * and the letters are removed. At its next start the consumer reads again from there: its inbox
 * skips every event it applied, and the dead-lettered ones, never applied, are applied (or
 * dead-lettered again). The gateway must be stopped: a running consumer keeps its position in
 * memory and would write it back.
 */
async function redriveEmbedded(
  options: RedriveOptions,
  filters: readonly { key: FilterKey; value: string }[],
  io: CliIo,
): Promise<void> {
  if (options.toTopic !== undefined)
    throw new CliUsageError('--to-topic needs Kafka (KAFKA_BROKERS or --brokers)');
  await withStore(options, io, async ({ db }) => {
    const letters = (await readEmbeddedLetters(db, options.group)).filter((l) => matches(l.view, filters));
    const positions = await logPositionsOfEventsSql(
      db,
      letters.map((l) => l.view.id ?? ''),
    );
    const sent = letters.filter((l) => positions.has(l.view.id ?? ''));
    const skipped = letters.length - sent.length;
    const checkpointId = `consumer.${options.group}`;
    const current = await loadCheckpointSql(db, checkpointId);
    let earliest: LogPosition | undefined;
    for (const letter of sent) {
      const position = positions.get(letter.view.id ?? '');
      if (position !== undefined && (earliest === undefined || logPositionBefore(position, earliest)))
        earliest = position;
    }
    const target = earliest === undefined ? undefined : logPositionJustBefore(earliest);
    const moveTo =
      target !== undefined && current !== null && logPositionBefore(target, current) ? target : undefined;
    if (!options.dryRun && sent.length > 0) {
      await db.transaction(async (tx) => {
        if (moveTo !== undefined) await storeCheckpointSql(tx, checkpointId, moveTo);
        await tx.query('DELETE FROM messaging.dead_letters WHERE id = ANY($1::bigint[])', [
          sent.map((l) => String(l.record.offset)),
        ]);
      });
    }
    const summary = {
      group: options.group,
      dryRun: options.dryRun === true,
      sent: sent.length,
      skipped,
      checkpoint: checkpointId,
      from: current,
      to: moveTo ?? current,
    };
    if (options.json) {
      for (const letter of sent) printJsonLine(io, letter.view);
      printJsonLine(io, { summary });
      return;
    }
    note(
      io,
      `${options.dryRun ? 'dry run: would send' : 'sent'} ${sent.length} dead letter${sent.length === 1 ? '' : 's'} of group ${options.group} back: ` +
        (moveTo === undefined
          ? `${checkpointId} already reads them`
          : `${checkpointId} ${options.dryRun ? 'would go' : 'goes'} back from ${current ?? 'start'} to ${moveTo}`) +
        '; the consumer applies them at its next start (its inbox skips what it applied)' +
        (skipped > 0 ? `; ${skipped} skipped (not an event of this store)` : ''),
    );
  });
}

interface Letter {
  readonly record: TopicRecord;
  readonly view: DeadLetterView;
}

async function readLetters(
  kafka: Parameters<typeof readTopicToEnd>[0],
  admin: Admin,
  group: string,
): Promise<Letter[]> {
  const topic = deadLetterTopicOf(group);
  if (!(await admin.listTopics()).includes(topic)) {
    throw new CliUsageError(
      `no dead-letter topic ${topic}: no consumer group "${group}" dead-lettered on this cluster`,
    );
  }
  const done = new Map<number, number>();
  for (const t of await admin.fetchOffsets({ groupId: redriveGroupOf(group), topics: [topic] })) {
    for (const p of t.partitions) done.set(p.partition, Number(p.offset));
  }
  const records = await readTopicToEnd(kafka, admin, topic);
  return records.map((record) => ({
    record,
    view: viewOf(record, (done.get(record.partition) ?? -1) > record.offset),
  }));
}

function viewOf(record: TopicRecord, redriven: boolean): DeadLetterView {
  const h = record.headers;
  const num = (text: string | undefined) => (text === undefined || !/^\d+$/.test(text) ? null : Number(text));
  return {
    partition: record.partition,
    offset: record.offset,
    deadAt: record.timestamp,
    key: record.key,
    id: h[H.id] ?? null,
    type: h[H.type] ?? null,
    subject: h[H.subject] ?? null,
    errorType: h[D.errorType] ?? null,
    errorMessage: h[D.errorMessage] ?? null,
    attempts: num(h[D.errorAttempts]),
    originalTopic: h[D.originalTopic] ?? null,
    originalPartition: num(h[D.originalPartition]),
    originalOffset: num(h[D.originalOffset]),
    redriven,
  };
}

function valueOf(record: TopicRecord): unknown {
  if (record.value === null) return null;
  const text = record.value.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function filtersOf(filters: readonly string[] | undefined): { key: FilterKey; value: string }[] {
  return (filters ?? []).map((filter) => {
    const match = /^([a-z]+)=(.*)$/.exec(filter);
    const key = match?.[1] as FilterKey | undefined;
    if (!match || key === undefined || !FILTER_KEYS.includes(key) || match[2] === undefined) {
      throw new CliUsageError(
        `--filter takes key=value with key one of ${FILTER_KEYS.join(', ')} (got "${filter}")`,
      );
    }
    return { key, value: match[2] };
  });
}

function matches(view: DeadLetterView, filters: readonly { key: FilterKey; value: string }[]): boolean {
  return filters.every(({ key, value }) => {
    switch (key) {
      case 'type':
        return view.type?.includes(value) ?? false;
      case 'subject':
        return view.subject?.includes(value) ?? false;
      case 'message':
        return view.errorMessage?.includes(value) ?? false;
      case 'id':
        return view.id === value;
      case 'error':
        return view.errorType === value;
      case 'topic':
        return view.originalTopic === value;
    }
  });
}
