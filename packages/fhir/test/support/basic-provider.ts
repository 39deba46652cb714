// A demo resource type for the toolkit's tests: FHIR `Basic`, event-sourced on the real event
// store (stream `Basic-<id>`), with create, read, vread, update (and update-as-create), delete,
// history and an `$echo` operation. Services write providers like this one for their own types.
import { randomUUID } from 'node:crypto';
import type { Basic } from 'fhir/r4.js';
import {
  assertNever,
  START,
  fold,
  GoneError,
  handleCommand,
  NotFoundError,
  type Decider,
  type EventStore,
  type JsonObject,
  type RecordedEvent,
} from '@carenet/eventsourcing';
import {
  searchMatches,
  type HistoryEntry,
  type IndexValueExtractor,
  type ResourceProvider,
  type StoredResource,
} from '../../src/index.js';

type BasicCommand = { type: 'Put'; resource: JsonObject } | { type: 'Delete' };
type BasicEvent =
  | { type: 'BasicCreated'; data: { resource: JsonObject } }
  | { type: 'BasicUpdated'; data: { resource: JsonObject } }
  | { type: 'BasicDeleted'; data: JsonObject };
type BasicState = { status: 'none' } | { status: 'active' | 'deleted'; resource: JsonObject };

export const basicDecider: Decider<BasicCommand, BasicEvent, BasicState> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'Put':
        return [
          {
            type: state.status === 'none' ? 'BasicCreated' : 'BasicUpdated',
            data: { resource: command.resource },
          },
        ];
      case 'Delete':
        if (state.status === 'none') throw new NotFoundError('Basic');
        return state.status === 'deleted' ? [] : [{ type: 'BasicDeleted', data: {} }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'BasicCreated':
      case 'BasicUpdated':
        return { status: 'active', resource: event.data.resource };
      case 'BasicDeleted':
        return state.status === 'none' ? state : { status: 'deleted', resource: state.resource };
      default:
        return assertNever(event);
    }
  },
};

const streamOf = (id: string) => `Basic-${id}`;

function stored(id: string, events: readonly RecordedEvent[]): StoredResource<Basic> {
  const last = events.at(-1);
  const state = fold(basicDecider, events as unknown as BasicEvent[]);
  if (!last || state.status === 'none') throw new NotFoundError(`Basic/${id}`);
  if (state.status === 'deleted') throw new GoneError(`Basic/${id}`);
  const versionId = String(last.revision + 1);
  return {
    resource: {
      ...(state.resource as unknown as Basic),
      id,
      meta: { versionId, lastUpdated: last.recordedAt },
    },
    versionId,
    lastUpdated: last.recordedAt,
  };
}

/**
 * `extractor` enables search: a scan of every Basic stream through the in-memory matcher, sorted
 * by id, paged by an id cursor. Fine for a demo type; services index into the search store.
 */
export function basicProvider(store: EventStore, extractor?: IndexValueExtractor): ResourceProvider<Basic> {
  const withoutServerFields = (resource: Basic): JsonObject => {
    const { id: _id, meta: _meta, ...rest } = resource;
    return rest as unknown as JsonObject;
  };
  const read = async (id: string) => stored(id, await store.readStream(streamOf(id)));
  return {
    type: 'Basic',
    read,
    async vread(id, versionId) {
      const revision = Number(versionId) - 1;
      const events = await store.readStream(streamOf(id), { toRevision: revision });
      if (!Number.isInteger(revision) || events.length !== revision + 1) {
        throw new NotFoundError(`Basic/${id}/_history/${versionId}`);
      }
      return stored(id, events);
    },
    async create(resource) {
      const id = randomUUID();
      await handleCommand(store, basicDecider, streamOf(id), {
        type: 'Put',
        resource: withoutServerFields(resource),
      });
      return read(id);
    },
    async update(id, resource, { ifMatch }) {
      const result = await handleCommand(
        store,
        basicDecider,
        streamOf(id),
        { type: 'Put', resource: withoutServerFields(resource) },
        ifMatch === undefined ? {} : { expectedRevision: Number(ifMatch) - 1 },
      );
      return { stored: await read(id), created: result.revision === 0 };
    },
    async delete(id, { ifMatch }) {
      await handleCommand(
        store,
        basicDecider,
        streamOf(id),
        { type: 'Delete' },
        ifMatch === undefined ? {} : { expectedRevision: Number(ifMatch) - 1 },
      );
    },
    async history(id, { since, count }) {
      const events = await store.readStream(streamOf(id));
      if (events.length === 0) throw new NotFoundError(`Basic/${id}`);
      const entries: HistoryEntry<Basic>[] = events.map((event, index) => {
        const versionId = String(event.revision + 1);
        if (event.type === 'BasicDeleted')
          return { deleted: true, id, versionId, lastUpdated: event.recordedAt };
        const version = stored(id, events.slice(0, index + 1));
        return { ...version, method: event.type === 'BasicCreated' ? 'POST' : 'PUT' };
      });
      return entries
        .filter((e) => since === undefined || Date.parse(e.lastUpdated) >= Date.parse(since))
        .reverse()
        .slice(0, count);
    },
    ...(extractor && {
      async search(request) {
        const streams = new Map<string, RecordedEvent[]>();
        let batch = await store.readAll(START, { categories: ['Basic'], limit: 1000 });
        while (batch.events.length > 0) {
          for (const event of batch.events)
            streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
          batch = await store.readAll(batch.next, { categories: ['Basic'], limit: 1000 });
        }
        const current: Basic[] = [];
        for (const [streamId, events] of streams) {
          const state = fold(basicDecider, events as unknown as BasicEvent[]);
          if (state.status === 'active')
            current.push(stored(streamId.slice('Basic-'.length), events).resource);
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
        definition: 'https://carenet.example.org/fhir/OperationDefinition/Basic-echo',
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
