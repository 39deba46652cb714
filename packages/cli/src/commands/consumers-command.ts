import { Command } from 'commander';
import type { Admin, GroupDescription } from 'kafkajs';
import { CliBusyError, CliUsageError, type CliIo } from '../cli-io.js';
import { parseInstant } from '../support/instants.js';
import { withAdmin, withKafkaOptions, type KafkaOptions } from '../support/kafka-connection.js';
import { note, printJsonLine, printTable } from '../support/output.js';
import { collect } from '../support/services.js';
import { withStore, withStoreOptions, type StoreOptions } from '../support/store-connection.js';

interface ListOptions extends KafkaOptions {
  readonly json?: boolean;
}

interface LagOptions extends KafkaOptions {
  readonly group: string;
  readonly topic?: string[];
  readonly json?: boolean;
}

interface ResetOptions extends KafkaOptions, StoreOptions {
  readonly group: string;
  readonly topic?: string[];
  readonly toEarliest?: boolean;
  readonly toLatest?: boolean;
  readonly toTime?: string;
  readonly toOffset?: string;
  readonly force?: boolean;
  readonly waitSeconds: string;
  readonly forgetInbox?: boolean;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

/** One partition of a group's lag. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset (next message to read), or null when it committed none. */
  readonly committed: number | null;
  readonly low: number;
  readonly high: number;
  readonly lag: number;
}

/** `carenet consumers list|lag|reset`: Kafka consumer groups. */
export function consumersCommand(io: CliIo): Command {
  const consumers = new Command('consumers').description(
    'Kafka consumer groups: list them, their lag, reset their offsets',
  );
  consumers.addCommand(
    withKafkaOptions(
      new Command('list')
        .description('list the consumer groups of the cluster, with their state and members')
        .option('--json', 'one JSON object per group and line'),
    )
      .addHelpText('after', '\nExample:\n  $ KAFKA_BROKERS=kafka:9092 carenet consumers list')
      .action(async (options: ListOptions) => {
        await withAdmin(options, io, async (admin) => {
          const { groups } = await admin.listGroups();
          const ids = groups
            .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
            .map((g) => g.groupId)
            .sort();
          const described = ids.length === 0 ? [] : (await admin.describeGroups(ids)).groups;
          const rows = described.map((group) => ({
            group: group.groupId,
            state: group.state,
            members: group.members.length,
          }));
          if (options.json) for (const row of rows) printJsonLine(io, row);
          else {
            printTable(
              io,
              ['group', 'state', 'members'],
              rows.map((row) => [row.group, row.state, String(row.members)]),
            );
            note(io, `${rows.length} consumer group${rows.length === 1 ? '' : 's'}`);
          }
        });
      }),
  );
  consumers.addCommand(
    withKafkaOptions(
      new Command('lag')
        .summary("a consumer group's lag per partition")
        .description(
          "a group's lag per partition: the high watermark minus its committed offset (the log start when it committed none)",
        )
        .requiredOption('--group <group>', 'the consumer group')
        .option(
          '--topic <topic>',
          'only this topic (repeatable; default: every topic the group committed on)',
          collect,
        )
        .option('--json', 'one JSON object per partition and line, then a total'),
    )
      .addHelpText('after', '\nExample:\n  $ carenet consumers lag --group care-plans.task-progress')
      .action(async (options: LagOptions) => {
        await withAdmin(options, io, async (admin) => {
          const lags = await groupLag(admin, options.group, options.topic);
          const total = lags.reduce((sum, p) => sum + p.lag, 0);
          if (options.json) {
            for (const lag of lags) printJsonLine(io, lag);
            printJsonLine(io, { group: options.group, total });
            return;
          }
          printTable(
            io,
            ['topic', 'partition', 'committed', 'high', 'lag'],
            lags.map((p) => [
              p.topic,
              String(p.partition),
              p.committed === null ? '-' : String(p.committed),
              String(p.high),
              String(p.lag),
            ]),
          );
          note(io, `group ${options.group}: ${total} message${total === 1 ? '' : 's'} behind`);
        });
      }),
  );
  consumers.addCommand(
    withStoreOptions(
      withKafkaOptions(
        new Command('reset')
          .summary("move a consumer group's offsets (its consumers stopped)")
          .description(
            "move a group's committed offsets (its consumers stopped): to the earliest or latest message, to an instant, or to an offset. " +
              'Kafka refuses this while the group has members: stop its consumers first. ' +
              "--forget-inbox also deletes the group's inbox rows, so that the messages read again are applied again " +
              '(to rebuild what a consumer lost); without it the inbox skips what was already applied',
          )
          .requiredOption('--group <group>', 'the consumer group')
          .option(
            '--topic <topic>',
            'only this topic (repeatable; default: every topic the group committed on)',
            collect,
          )
          .option('--to-earliest', 'to the first message still in each partition')
          .option('--to-latest', 'to the end of each partition (skip everything not read yet)')
          .option(
            '--to-time <time>',
            'to the first message at or after an instant (ISO 8601, or 15m, 2h, 3d ago)',
          )
          .option('--to-offset <offset>', 'to this offset in every partition, or per partition: 0:120,1:98')
          .option(
            '--force',
            'when the group still has members, wait for it to empty (crashed members time out) instead of refusing at once',
          )
          .option('--wait-seconds <s>', 'with --force: how long to wait for the group to empty', '60')
          .option(
            '--forget-inbox',
            "also delete the group's inbox rows (DATABASE_URL or --database-url: the consumers' database)",
          )
          .option('--dry-run', 'print the offsets it would set; change nothing')
          .option('--json', 'one JSON object per partition and line'),
      ),
    )
      .addHelpText(
        'after',
        '\nExamples:\n  $ carenet consumers reset --group care-plans.task-progress --to-earliest --dry-run\n' +
          '  $ carenet consumers reset --group partner-sync --topic carenet.tasks --to-time 2026-12-07T08:00:00Z\n' +
          '  $ carenet consumers reset --group care-plans.task-progress --to-earliest --forget-inbox',
      )
      .action(async (options: ResetOptions) => {
        const targets = [options.toEarliest, options.toLatest, options.toTime, options.toOffset].filter(
          (t) => t !== undefined,
        );
        if (targets.length !== 1)
          throw new CliUsageError(
            'give exactly one of --to-earliest, --to-latest, --to-time <time>, --to-offset <offset>',
          );
        const toTime = options.toTime === undefined ? undefined : parseInstant(options.toTime, '--to-time');
        const offsets = options.toOffset === undefined ? undefined : offsetsOf(options.toOffset);
        const waitSeconds = Number(options.waitSeconds);
        if (!/^\d+$/.test(options.waitSeconds))
          throw new CliUsageError(`--wait-seconds takes a whole number (got "${options.waitSeconds}")`);
        await withAdmin(options, io, async (admin) => {
          const topics = options.topic ?? (await committedTopics(admin, options.group));
          if (topics.length === 0) {
            throw new CliUsageError(
              `group ${options.group} has committed no offsets: say which topics with --topic`,
            );
          }
          await emptyGroup(admin, options.group, options.force === true, waitSeconds);
          const changes: { topic: string; partition: number; from: number | null; to: number }[] = [];
          for (const topic of topics) {
            const before = await groupLag(admin, options.group, [topic]);
            let wanted: Map<number, number>;
            if (options.toEarliest) wanted = new Map(before.map((p) => [p.partition, p.low]));
            else if (options.toLatest) wanted = new Map(before.map((p) => [p.partition, p.high]));
            else if (toTime !== undefined) {
              const found = await admin.fetchTopicOffsetsByTimestamp(topic, Date.parse(toTime));
              const high = new Map(before.map((p) => [p.partition, p.high]));
              wanted = new Map(
                found.map((f) => [
                  f.partition,
                  Number(f.offset) < 0 ? (high.get(f.partition) ?? 0) : Number(f.offset),
                ]),
              );
            } else {
              wanted = new Map();
              for (const p of before) {
                const offset = offsets?.all ?? offsets?.byPartition.get(p.partition);
                if (offset === undefined) continue;
                if (offset < p.low || offset > p.high) {
                  throw new CliUsageError(
                    `offset ${offset} is outside partition ${p.partition} of ${topic} (${p.low} to ${p.high})`,
                  );
                }
                wanted.set(p.partition, offset);
              }
              for (const partition of offsets?.byPartition.keys() ?? []) {
                if (!before.some((p) => p.partition === partition))
                  throw new CliUsageError(`topic ${topic} has no partition ${partition}`);
              }
            }
            for (const p of before) {
              const to = wanted.get(p.partition);
              if (to !== undefined) changes.push({ topic, partition: p.partition, from: p.committed, to });
            }
            if (!options.dryRun && wanted.size > 0) {
              try {
                await admin.setOffsets({
                  groupId: options.group,
                  topic,
                  partitions: [...wanted].map(([partition, offset]) => ({
                    partition,
                    offset: String(offset),
                  })),
                });
              } catch (error) {
                if (error instanceof Error && error.message.includes('must have no running instances')) {
                  throw new CliBusyError(
                    `group ${options.group} got members while it was reset: stop its consumers and try again`,
                  );
                }
                throw error;
              }
            }
          }
          let forgotten: number | undefined;
          if (options.forgetInbox && !options.dryRun) {
            forgotten = await withStore(options, io, async ({ db }) => {
              const rows = await db.query(
                'DELETE FROM messaging.inbox WHERE consumer_group = $1 RETURNING 1',
                [options.group],
              );
              return rows.length;
            });
          }
          if (options.json)
            for (const change of changes)
              printJsonLine(io, { group: options.group, ...change, dryRun: options.dryRun === true });
          else {
            printTable(
              io,
              ['topic', 'partition', 'committed', 'new offset'],
              changes.map((c) => [
                c.topic,
                String(c.partition),
                c.from === null ? '-' : String(c.from),
                String(c.to),
              ]),
            );
            note(
              io,
              (options.dryRun ? `dry run: would move` : 'moved') +
                ` ${changes.length} partition${changes.length === 1 ? '' : 's'} of group ${options.group}` +
                (forgotten === undefined
                  ? ''
                  : `; ${forgotten} inbox row${forgotten === 1 ? '' : 's'} deleted`),
            );
          }
        });
      }),
  );
  return consumers;
}

/** The lag of a group on these topics (default: every topic it committed on). */
export async function groupLag(
  admin: Admin,
  group: string,
  topics?: readonly string[],
): Promise<PartitionLag[]> {
  const names = topics ?? (await committedTopics(admin, group));
  if (names.length === 0) {
    const [description] = (await admin.describeGroups([group])).groups;
    if (description === undefined || description.state === 'Dead')
      throw new CliUsageError(
        `no consumer group "${group}" (or it committed no offsets: say which topics with --topic)`,
      );
    return [];
  }
  const known = new Set(await admin.listTopics());
  for (const topic of names)
    if (!known.has(topic)) throw new CliUsageError(`no topic "${topic}" on the cluster`);
  const committed = await admin.fetchOffsets({ groupId: group, topics: [...names] });
  const lags: PartitionLag[] = [];
  for (const topic of names) {
    const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      const offset = Number(done.find((p) => p.partition === partition)?.offset ?? -1);
      lags.push({
        topic,
        partition,
        committed: offset >= 0 ? offset : null,
        low: Number(low),
        high: Number(high),
        lag: Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low))),
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** The topics a group has committed offsets on. */
async function committedTopics(admin: Admin, group: string): Promise<string[]> {
  const offsets = await admin.fetchOffsets({ groupId: group });
  return offsets
    .filter((t) => t.partitions.some((p) => Number(p.offset) >= 0))
    .map((t) => t.topic)
    .sort();
}

/**
 * Makes sure the group has no members: refused at once when it has some (exit 5), or with
 * `force`, waits up to `waitSeconds` for it to empty.
 */
async function emptyGroup(admin: Admin, group: string, force: boolean, waitSeconds: number): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const [description]: (GroupDescription | undefined)[] = (await admin.describeGroups([group])).groups;
    const members = description?.members ?? [];
    if (members.length === 0) return;
    const who = members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ');
    if (!force) {
      throw new CliBusyError(
        `group ${group} has ${members.length} active member${members.length === 1 ? '' : 's'} (${description?.state}: ${who}); ` +
          'stop its consumers first (or --force to wait for it to empty)',
      );
    }
    if (Date.now() > deadline) {
      throw new CliBusyError(
        `group ${group} still has ${members.length} member(s) after ${waitSeconds} s (${who})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** `--to-offset 120` (every partition) or `0:120,1:98`. */
function offsetsOf(text: string): { all?: number; byPartition: Map<number, number> } {
  if (/^\d+$/.test(text)) return { all: Number(text), byPartition: new Map() };
  const byPartition = new Map<number, number>();
  for (const part of text.split(',')) {
    const match = /^(\d+):(\d+)$/.exec(part.trim());
    if (!match?.[1] || !match[2])
      throw new CliUsageError(
        `--to-offset takes an offset (120) or partition:offset pairs (0:120,1:98) (got "${text}")`,
      );
    byPartition.set(Number(match[1]), Number(match[2]));
  }
  return { byPartition };
}
