import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import { actorOf, type Actor } from '@carenet/access';
import {
  endsWrite,
  handleCommands,
  NotFoundError,
  PreconditionFailedError,
  type Decider,
  type DomainEvent,
  type EventStore,
  type RecordedEvent,
  type SqlDatabase,
} from '@carenet/eventsourcing';
import {
  historyEntryOf,
  historyMethodOf,
  methodNotAllowed,
  type HistoryEntry,
  type OperationHandler,
  type Permission,
  type PostgresSearchStore,
  type RequestContext,
  type ResourceProvider,
  type StoredResource,
} from '@carenet/fhir';
import { atOf, type AggregateModel, type AggregateState, type Existing } from './aggregate-read-model.js';

/** What a command needs from the request: who, and when. */
export interface CommandInput {
  readonly actor: Actor;
  readonly now: string;
}

/** A service operation on one resource (`POST /T/<id>/$name`): the commands it means. */
export interface AggregateOperation<S extends AggregateState, C> {
  readonly definition: string;
  readonly permission: Permission;
  commands(
    state: Existing<S>,
    request: Parameters<OperationHandler>[0],
    input: CommandInput,
  ): Promise<readonly C[]>;
}

export interface AggregateProviderOptions<S extends AggregateState, C, R extends Resource> {
  readonly model: AggregateModel<S, R>;
  readonly decider: Decider<C, DomainEvent, S>;
  readonly store: EventStore;
  readonly db: SqlDatabase;
  readonly search: PostgresSearchStore;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** POST body → the creating command. */
  create(resource: R, input: CommandInput & { readonly id: string }): C;
  /** PUT body → the commands it means, against the current state (may read other read models). */
  update(state: Existing<S>, resource: R, input: CommandInput): Promise<readonly C[]>;
  readonly operations?: Readonly<Record<string, AggregateOperation<S, C>>>;
}

interface StateRow<S> {
  readonly revision: number;
  readonly last_updated: Date | string;
  readonly state: S;
}

/**
 * FHIR interactions of one event-sourced aggregate type: each maps HTTP to commands and back,
 * nothing else (DESIGN.md §9). `read` answers from the read model (one row), `vread` and
 * `_history` from the event stream, type `_history` and search from the FHIR search read model.
 * Nothing is deleted: a mistake is marked entered-in-error.
 */
export function aggregateProvider<S extends AggregateState, C, R extends Resource>(
  options: AggregateProviderOptions<S, C, R>,
): ResourceProvider<R> {
  const { model, decider, store } = options;
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const streamOf = (id: string) => `${model.type}-${id}`;
  const inputOf = (ctx: RequestContext): CommandInput => ({
    actor: actorOf(ctx.principal),
    now: clock().toISOString(),
  });

  /** The FHIR versions of a stream: one per write, at its last event (see aggregateReadModel). */
  function versions(events: readonly RecordedEvent[]) {
    const out: { state: Existing<S>; versionId: string; lastUpdated: string; interaction?: unknown }[] = [];
    let state = decider.initialState();
    for (const event of events) {
      state = decider.evolve(state, event);
      if (state.exists && endsWrite(event)) {
        out.push({
          state: state as Existing<S>,
          versionId: String(event.revision + 1),
          lastUpdated: atOf(event),
          interaction: event.metadata.fhirInteraction,
        });
      }
    }
    return out;
  }

  async function current(id: string): Promise<StoredResource<R> & { readonly state: Existing<S> }> {
    const rows = await options.db.query<StateRow<S>>(
      `SELECT revision, last_updated, state FROM ${model.schema}.aggregate_state WHERE resource_type = $1 AND id = $2`,
      [model.type, id],
    );
    const row = rows[0];
    if (!row?.state.exists) throw new NotFoundError(`${model.type}/${id}`);
    const state = row.state as Existing<S>;
    const version = {
      versionId: String(row.revision + 1),
      lastUpdated: new Date(row.last_updated).toISOString(),
    };
    return { state, resource: model.resourceOf(state, version), ...version };
  }

  async function run(
    id: string,
    commandsOf: (state: S) => readonly C[],
    ctx: RequestContext,
    expectedRevision?: number,
  ): Promise<StoredResource<R>> {
    const result = await handleCommands(store, decider, streamOf(id), commandsOf, {
      metadata: {
        correlationId: ctx.requestId,
        // The interaction as sent: the history shows its method (PATCH as PATCH).
        ...(ctx.interaction !== undefined && { fhirInteraction: ctx.interaction }),
        ...(ctx.traceparent !== undefined && { traceparent: ctx.traceparent }),
      },
      ...(expectedRevision !== undefined && { expectedRevision }),
    });
    if (!result.state.exists) throw new NotFoundError(`${model.type}/${id}`);
    const last = result.events.at(-1);
    if (last === undefined) {
      const { resource, versionId, lastUpdated } = await current(id);
      return { resource, versionId, lastUpdated };
    }
    const version = { versionId: String(result.revision + 1), lastUpdated: atOf(last) };
    return { resource: model.resourceOf(result.state as Existing<S>, version), ...version };
  }

  /** Commands prepared outside the decision (they may read), decided on the state they saw. */
  async function runPrepared(
    id: string,
    prepare: (state: Existing<S>) => Promise<readonly C[]>,
    ctx: RequestContext,
    expectedRevision?: number,
  ): Promise<StoredResource<R>> {
    for (let attempt = 1; ; attempt++) {
      const seen = await current(id);
      const commands = await prepare(seen.state);
      // The commands were made for the version read. Without If-Match, a write in between (the
      // consumer linking a Task…) means preparing again; with it, the client's 412.
      try {
        return await run(id, () => commands, ctx, expectedRevision ?? Number(seen.versionId) - 1);
      } catch (error) {
        if (!(error instanceof PreconditionFailedError) || expectedRevision !== undefined || attempt >= 3)
          throw error;
      }
    }
  }

  const operations = Object.fromEntries(
    Object.entries(options.operations ?? {}).map(([name, operation]) => [
      name,
      {
        definition: operation.definition,
        permission: operation.permission,
        handler: (async (request, ctx) => {
          const { id } = request;
          if (id === undefined)
            throw methodNotAllowed(
              `$${name} applies to one ${model.type}: POST /${model.type}/<id>/$${name}`,
            );
          if (request.method !== 'POST')
            throw methodNotAllowed(`$${name} changes the ${model.type}: POST it`);
          const input = inputOf(ctx);
          const stored = await runPrepared(id, (state) => operation.commands(state, request, input), ctx);
          return { resource: stored.resource };
        }) satisfies OperationHandler,
      },
    ]),
  );

  return {
    type: model.type,

    async read(id) {
      const { resource, versionId, lastUpdated } = await current(id);
      return { resource, versionId, lastUpdated };
    },

    async vread(id, versionId) {
      const events = await store.readStream(streamOf(id), { toRevision: Number(versionId) - 1 });
      const version = versions(events).find((v) => v.versionId === versionId);
      if (version === undefined) throw new NotFoundError(`${model.type}/${id}/_history/${versionId}`);
      return {
        resource: model.resourceOf(version.state, version),
        versionId,
        lastUpdated: version.lastUpdated,
      };
    },

    async history(id, { since, count }) {
      const events = await store.readStream(streamOf(id));
      if (events.length === 0) throw new NotFoundError(`${model.type}/${id}`);
      return versions(events)
        .filter((v) => since === undefined || Date.parse(v.lastUpdated) >= Date.parse(since))
        .reverse()
        .slice(0, count)
        .map((v): HistoryEntry<R> => ({
          resource: model.resourceOf(v.state, v),
          versionId: v.versionId,
          lastUpdated: v.lastUpdated,
          method: historyMethodOf(v.interaction, v.versionId),
        }));
    },

    async typeHistory(historyOptions) {
      const { versions: page, nextCursor } = await options.search.history(model.type, historyOptions);
      return {
        entries: page.map((v) => historyEntryOf(v) as HistoryEntry<R>),
        ...(nextCursor !== undefined && { nextCursor }),
      };
    },

    async create(resource, ctx, createOptions) {
      const id = createOptions?.id ?? newId();
      const command = options.create(resource, { ...inputOf(ctx), id });
      // A new id: no stream to read (-1); a chosen id already taken fails.
      return run(id, () => [command], ctx, -1);
    },

    async update(id, resource, { ifMatch }, ctx) {
      const input = inputOf(ctx);
      const expected = ifMatch === undefined ? undefined : Number(ifMatch) - 1;
      const stored = await runPrepared(
        id,
        (state) => options.update(state, resource, input),
        ctx,
        expected,
      ).catch((error: unknown) => {
        if (error instanceof NotFoundError) {
          throw methodNotAllowed(
            `${model.type}/${id} does not exist: ids are the server's, create with POST`,
          );
        }
        throw error;
      });
      return { stored, created: false };
    },

    async search(request) {
      const { resources, included, nextCursor, previousCursor, total } = await options.search.search(request);
      return {
        resources: resources,
        included,
        ...(nextCursor !== undefined && { nextCursor }),
        ...(previousCursor !== undefined && { previousCursor }),
        ...(total !== undefined && { total }),
      };
    },

    ...(Object.keys(operations).length > 0 && { operations }),
  };
}
