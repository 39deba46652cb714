import type { Resource } from 'fhir/r4.js';
import {
  endsWrite,
  type Decider,
  type DomainEvent,
  type InlineProjection,
  type ProjectionTable,
  type RecordedEvent,
  type SqlExecutor,
} from '@carenet/eventsourcing';
import { recordedMethodOf, type IndexValueExtractor, type PostgresSearchStore } from '@carenet/fhir';

/** What every aggregate state of this service looks like from outside: exists or not. */
export type AggregateState = { readonly exists: false } | ({ readonly exists: true } & object);
export type Existing<S> = Extract<S, { readonly exists: true }>;

/** One aggregate type of the service: its decider and its FHIR rendering. */
export interface AggregateModel<S extends AggregateState, R extends Resource = Resource> {
  /** Resource type, and stream category (`CarePlan-<id>`). */
  readonly type: R['resourceType'];
  /**
   * The service's schema, holding its `aggregate_state` table (`care_plans`, `shared_info`); the
   * read model is named after it (`care-plans-read-model-CarePlan`).
   */
  readonly schema: string;
  readonly decider: Pick<Decider<never, DomainEvent, S>, 'evolve' | 'initialState'>;
  resourceOf(state: Existing<S>, version: { readonly versionId: string; readonly lastUpdated: string }): R;
  /**
   * Work of the same transaction once an aggregate's new state is known: keys that span streams
   * (one active PPCS per patient) and what clocks watch. Throwing refuses the whole append.
   */
  afterApply?(tx: SqlExecutor, id: string, state: S): Promise<void>;
  /** Empties what `afterApply` keeps, before a rebuild. */
  reset?(tx: SqlExecutor): Promise<void>;
  /**
   * The tables `afterApply` writes, for an online rebuild (`carenet projections rebuild`): a
   * model with `afterApply` and without them cannot be rebuilt online.
   */
  readonly tables?: readonly ProjectionTable[];
}

interface StateRow<S> {
  readonly id: string;
  readonly revision: number;
  readonly state: S;
}

/** Every event of this service records the instant of its fact (`at`): `meta.lastUpdated`. */
export const atOf = (event: { readonly data: unknown }): string => (event.data as { at: string }).at;

/**
 * The read models of one aggregate type, kept in the append's transaction (DESIGN.md §3): its
 * state (`<schema>.aggregate_state`, evolved from the stored state by the new events), and its
 * FHIR resource with search index values and history (`fhir.*`), one version per write: a
 * request that appends several events (a CareTeam formed with its members, an activation that
 * hands the actions over) is one FHIR version, stored at the write's last event (`endsWrite`;
 * versionId = that event's revision + 1). The revisions inside a write are no versions (vread of
 * them is 404). The same in the append's transaction and in a rebuild (the events' `write`
 * metadata says where a write ends). Events already applied (a revision not above the stored one)
 * are skipped, so a replay changes nothing.
 */
export function aggregateReadModel<S extends AggregateState, R extends Resource>(
  model: AggregateModel<S, R>,
  search: PostgresSearchStore,
  extractor: IndexValueExtractor,
): InlineProjection {
  const idOf = (streamId: string): string => streamId.slice(model.type.length + 1);
  return {
    name: `${model.schema.replaceAll('_', '-')}-read-model-${model.type}`,
    categories: [model.type],
    async apply(tx, events) {
      const byId = new Map<string, RecordedEvent[]>();
      for (const event of events)
        byId.set(idOf(event.streamId), [...(byId.get(idOf(event.streamId)) ?? []), event]);
      const rows = await tx.query<StateRow<S>>(
        `SELECT id, revision, state FROM ${model.schema}.aggregate_state WHERE resource_type = $1 AND id = ANY($2::text[])`,
        [model.type, [...byId.keys()]],
      );
      const stored = new Map(rows.map((row) => [row.id, row]));
      for (const [id, aggregateEvents] of byId) {
        let state: S = stored.get(id)?.state ?? model.decider.initialState();
        let revision = stored.get(id)?.revision ?? -1;
        let lastUpdated = '';
        for (const event of aggregateEvents) {
          if (event.revision <= revision) continue;
          state = model.decider.evolve(state, event);
          revision = event.revision;
          lastUpdated = atOf(event);
          if (state.exists && endsWrite(event)) {
            const versionId = revision + 1;
            const resource = model.resourceOf(state as Existing<S>, {
              versionId: String(versionId),
              lastUpdated,
            });
            const method = recordedMethodOf(event.metadata.fhirInteraction);
            const version = { versionId, lastUpdated, ...(method !== undefined && { method }) };
            await search.put(tx, resource, version, extractor.extract(resource));
          }
        }
        if (lastUpdated === '') continue;
        await tx.query(
          `INSERT INTO ${model.schema}.aggregate_state (resource_type, id, revision, last_updated, state)
           VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb)
           ON CONFLICT (resource_type, id) DO UPDATE SET revision = EXCLUDED.revision,
             last_updated = EXCLUDED.last_updated, state = EXCLUDED.state`,
          [model.type, id, revision, lastUpdated, JSON.stringify(state)],
        );
        await model.afterApply?.(tx, id, state);
      }
    },
    async reset(tx) {
      await tx.query(`DELETE FROM ${model.schema}.aggregate_state WHERE resource_type = $1`, [model.type]);
      await search.reset(tx, [model.type]);
      await model.reset?.(tx);
    },
    ...((model.afterApply === undefined || model.tables !== undefined) && {
      tables: [
        // The service's states of every type: this type's rows copied over at the switch.
        { name: `${model.schema}.aggregate_state`, rows: { column: 'resource_type', values: [model.type] } },
        ...search.tablesOf([model.type]),
        ...(model.tables ?? []),
      ],
    }),
  };
}
