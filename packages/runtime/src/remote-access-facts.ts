import type { AccessFactsSource, PostgresAccessFacts } from '@carenet/access';
import type { SqlExecutor } from '@carenet/eventsourcing';
import type { EventSubscriber, IncomingEvent } from '@carenet/messaging';

/** `carenet.<context>.<EventName>.v<N>` → `EventName`. */
function eventNameOf(type: string): string {
  const parts = type.split('.');
  return parts.length >= 4 ? (parts[parts.length - 2] ?? type) : type;
}

/**
 * The access facts of the services another process runs (the distributed mode), kept from their
 * topics: each event is folded, with the owner's own `evolve` (`AccessFactsSource`), into the
 * stream's state in `<facts schema>.remote_stream_state`, and what the new state states replaces
 * what the old one stated, in the transaction of the inbox row that dedupes the event. Kafka keeps
 * a stream's events in order (key = stream id), so the fold sees them as the owner appended them.
 * Events of other categories on the same topics are not facts: skipped.
 */
export function remoteAccessFactsSubscriber(options: {
  readonly groupId: string;
  readonly sources: readonly AccessFactsSource[];
  readonly facts: PostgresAccessFacts;
}): EventSubscriber {
  const { facts } = options;
  const byCategory = new Map(options.sources.map((source) => [source.category, source]));
  const table = `${facts.schema}.remote_stream_state`;
  const stateOf = async (tx: SqlExecutor, streamId: string) =>
    (
      await tx.query<{ state: unknown; revision: string }>(
        `SELECT state, revision FROM ${table} WHERE stream_id = $1`,
        [streamId],
      )
    )[0];
  return {
    groupId: options.groupId,
    categories: [...byCategory.keys()],
    async handler(event: IncomingEvent, tx) {
      const dash = event.subject.indexOf('-');
      const source = dash < 0 ? undefined : byCategory.get(event.subject.slice(0, dash));
      if (source === undefined) return;
      const id = event.subject.slice(dash + 1);
      const stored = await stateOf(tx, event.subject);
      const state = source.evolve(stored === undefined ? source.initialState() : stored.state, {
        type: eventNameOf(event.type),
        data: event.data,
      });
      await tx.query(
        `INSERT INTO ${table} (stream_id, revision, state) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, state = EXCLUDED.state`,
        [event.subject, stored === undefined ? 0 : Number(stored.revision) + 1, JSON.stringify(state)],
      );
      await source.write(tx, facts, id, state, async (category, otherId) => {
        const other = await stateOf(tx, `${category}-${otherId}`);
        return other === undefined ? undefined : other.state;
      });
    },
  };
}
