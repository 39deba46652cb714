// A demo provider for the toolkit's tests: any FHIR type stored as whole resources, event-sourced
// on the real event store (stream `<Type>-<id>`), with create, read, vread, update (and
// update-as-create), delete, history, search (optional) and an `$echo` operation. Services write
// providers like this one for their own types, with their own commands and rules.
import { randomUUID } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import {
  assertNever,
  categoryOf,
  START,
  fold,
  GoneError,
  handleCommand,
  NotFoundError,
  type Decider,
  type EventStore,
  type InlineProjection,
  type JsonObject,
  type RecordedEvent,
} from '@carenet/eventsourcing';
import {
  historyEntryOf,
  IndexValueExtractor,
  PostgresSearchStore,
  searchMatches,
  type HistoryEntry,
  type ResourceProvider,
  type SearchResult,
  type StoredResource,
} from '../../src/index.js';

type DemoCommand = { type: 'Put'; resource: JsonObject } | { type: 'Delete' };
type DemoEvent =
  | { type: 'ResourceCreated'; data: { resource: JsonObject } }
  | { type: 'ResourceUpdated'; data: { resource: JsonObject } }
  | { type: 'ResourceDeleted'; data: JsonObject };
type DemoState = { status: 'none' } | { status: 'active' | 'deleted'; resource: JsonObject };

export const demoDecider: Decider<DemoCommand, DemoEvent, DemoState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'Put':
        return [
          {
            type: state.status === 'none' ? 'ResourceCreated' : 'ResourceUpdated',
            data: { resource: command.resource },
          },
        ];
      case 'Delete':
        if (state.status === 'none') throw new NotFoundError('resource');
        return state.status === 'deleted' ? [] : [{ type: 'ResourceDeleted', data: {} }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ResourceCreated':
      case 'ResourceUpdated':
        return { status: 'active', resource: event.data.resource };
      case 'ResourceDeleted':
        return state.status === 'none' ? state : { status: 'deleted', resource: state.resource };
      default:
        return assertNever(event);
    }
  },
};

function stored(type: string, id: string, events: readonly RecordedEvent[]): StoredResource {
  const last = events.at(-1);
  const state = fold(demoDecider, events as unknown as DemoEvent[]);
  if (!last || state.status === 'none') throw new NotFoundError(`${type}/${id}`);
  if (state.status === 'deleted') throw new GoneError(`${type}/${id}`);
  const versionId = String(last.revision + 1);
  return {
    resource: {
      ...(state.resource as unknown as Resource),
      id,
      meta: { versionId, lastUpdated: last.recordedAt },
    },
    versionId,
    lastUpdated: last.recordedAt,
  };
}

/**
 * Keeps the searchable read model of the demo types in the append's transaction: what services
 * do with their own events (DESIGN.md §3, inline projections).
 */
export function demoSearchProjection(
  types: readonly string[],
  search: PostgresSearchStore,
  extractor: IndexValueExtractor,
): InlineProjection {
  return {
    name: 'demo-search-index',
    categories: types,
    async apply(tx, events) {
      for (const event of events) {
        const type = categoryOf(event.streamId);
        const id = event.streamId.slice(type.length + 1);
        if (event.type === 'ResourceDeleted') {
          await search.remove(tx, type, id, { versionId: event.revision + 1, lastUpdated: event.recordedAt });
          continue;
        }
        const versionId = event.revision + 1;
        const resource = {
          ...((event.data as { resource: JsonObject }).resource as unknown as Resource),
          id,
          meta: { versionId: String(versionId), lastUpdated: event.recordedAt },
        };
        await search.put(
          tx,
          resource,
          { versionId, lastUpdated: event.recordedAt },
          extractor.extract(resource),
        );
      }
    },
    reset: (tx) => search.reset(tx),
  };
}

/**
 * Search, when `searchWith` is given: a PostgresSearchStore (kept up to date by
 * demoSearchProjection), or an IndexValueExtractor for a scan of every stream of the type through
 * the in-memory matcher (sorted by id, paged by an id cursor).
 */
export function demoProvider(
  type: string,
  store: EventStore,
  searchWith?: IndexValueExtractor | PostgresSearchStore,
): ResourceProvider {
  const extractor = searchWith instanceof IndexValueExtractor ? searchWith : undefined;
  const streamOf = (id: string) => `${type}-${id}`;
  const withoutServerFields = (resource: Resource): JsonObject => {
    const { id: _id, meta: _meta, ...rest } = resource;
    return rest as unknown as JsonObject;
  };
  const read = async (id: string) => stored(type, id, await store.readStream(streamOf(id)));
  return {
    type,
    read,
    async vread(id, versionId) {
      const revision = Number(versionId) - 1;
      const events = await store.readStream(streamOf(id), { toRevision: revision });
      if (!Number.isInteger(revision) || events.length !== revision + 1) {
        throw new NotFoundError(`${type}/${id}/_history/${versionId}`);
      }
      return stored(type, id, events);
    },
    async create(resource) {
      const id = randomUUID();
      await handleCommand(store, demoDecider, streamOf(id), {
        type: 'Put',
        resource: withoutServerFields(resource),
      });
      return read(id);
    },
    async update(id, resource, { ifMatch }) {
      const result = await handleCommand(
        store,
        demoDecider,
        streamOf(id),
        { type: 'Put', resource: withoutServerFields(resource) },
        ifMatch === undefined ? {} : { expectedRevision: Number(ifMatch) - 1 },
      );
      return { stored: await read(id), created: result.revision === 0 };
    },
    async delete(id, { ifMatch }) {
      await handleCommand(
        store,
        demoDecider,
        streamOf(id),
        { type: 'Delete' },
        ifMatch === undefined ? {} : { expectedRevision: Number(ifMatch) - 1 },
      );
    },
    async history(id, { since, count }) {
      const events = await store.readStream(streamOf(id));
      if (events.length === 0) throw new NotFoundError(`${type}/${id}`);
      const entries: HistoryEntry[] = events.map((event, index) => {
        const versionId = String(event.revision + 1);
        if (event.type === 'ResourceDeleted')
          return { deleted: true, id, versionId, lastUpdated: event.recordedAt };
        const version = stored(type, id, events.slice(0, index + 1));
        return { ...version, method: event.type === 'ResourceCreated' ? 'POST' : 'PUT' };
      });
      return entries
        .filter((e) => since === undefined || Date.parse(e.lastUpdated) >= Date.parse(since))
        .reverse()
        .slice(0, count);
    },
    ...(searchWith instanceof PostgresSearchStore && {
      async typeHistory(options) {
        const { versions, nextCursor } = await searchWith.history(type, options);
        return { entries: versions.map(historyEntryOf), ...(nextCursor !== undefined && { nextCursor }) };
      },
      async search(request): Promise<SearchResult> {
        const { resources, included, nextCursor, previousCursor, total } = await searchWith.search(request);
        return {
          resources,
          included,
          ...(nextCursor !== undefined && { nextCursor }),
          ...(previousCursor !== undefined && { previousCursor }),
          ...(total !== undefined && { total }),
        };
      },
    }),
    ...(extractor && {
      async search(request) {
        const streams = new Map<string, RecordedEvent[]>();
        let batch = await store.readAll(START, { categories: [type], limit: 1000 });
        while (batch.events.length > 0) {
          for (const event of batch.events)
            streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
          batch = await store.readAll(batch.next, { categories: [type], limit: 1000 });
        }
        const current: Resource[] = [];
        for (const [streamId, events] of streams) {
          const state = fold(demoDecider, events as unknown as DemoEvent[]);
          if (state.status === 'active')
            current.push(stored(type, streamId.slice(type.length + 1), events).resource);
        }
        const matches = current
          .filter((resource) => searchMatches(request, extractor.extract(resource)))
          .sort((a, b) => (a.id ?? '').localeCompare(b.id ?? ''));
        const after = request.cursor === undefined ? '' : Buffer.from(request.cursor, 'base64url').toString();
        const rest = matches.filter((r) => (r.id ?? '') > after);
        const page = rest.slice(0, request.count);
        const last = page.at(-1)?.id;
        return {
          resources: page,
          ...(rest.length > page.length &&
            last !== undefined && { nextCursor: Buffer.from(last).toString('base64url') }),
          ...((request.total === 'accurate' || request.summary === 'count') && { total: matches.length }),
        };
      },
    }),
    operations: {
      echo: {
        definition: `https://carenet.example.org/fhir/OperationDefinition/${type}-echo`,
        handler: ({ id, parameters, query }) =>
          Promise.resolve({
            resource: {
              resourceType: 'Parameters',
              parameter: [
                { name: 'id', valueString: id ?? '(type level)' },
                { name: 'query', valueString: query.toString() },
                { name: 'body', valueString: parameters?.resourceType ?? '(none)' },
              ],
            },
          }),
      },
    },
  };
}

/** The demo provider for FHIR `Basic`, the type most toolkit tests use. */
export function basicProvider(
  store: EventStore,
  searchWith?: IndexValueExtractor | PostgresSearchStore,
): ResourceProvider {
  return demoProvider('Basic', store, searchWith);
}
