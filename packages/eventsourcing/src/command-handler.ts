import { randomUUID } from 'node:crypto';
import { fold, type Decider } from './decider.js';
import { ConcurrencyError, PreconditionFailedError } from './errors.js';
import type { EventStore } from './event-store.js';
import type { DomainEvent, EventMetadata, NewEvent, RecordedEvent } from './events.js';
import type { KnownState, StreamStateCache } from './stream-state-cache.js';

export interface HandleOptions<State = unknown> {
  /**
   * The revision the caller saw (FHIR `If-Match`: versionId - 1; -1: no stream yet, so the
   * command decides on the initial state without a read). When given, the command runs
   * only if the stream is still there; otherwise PreconditionFailedError, never a retry.
   */
  readonly expectedRevision?: number;
  /** Recorded on every event (actor, time, trace…). */
  readonly metadata?: EventMetadata;
  /** Event ids (default: random UUIDs). Pass stable ids to make a retried command idempotent. */
  readonly newEventId?: (index: number) => string;
  /** Attempts when another writer wins the race and no expected revision was given (default 3). */
  readonly maxAttempts?: number;
  /**
   * States known in this process: the first attempt decides on the cached state when it is the
   * expected revision (or, without one, optimistically on the newest), without reading the
   * stream; the state after a successful append is remembered. Only with a store whose appends
   * commit on their own (not `within` a caller's transaction).
   */
  readonly cache?: StreamStateCache<State>;
}

export interface CommandResult<Event extends DomainEvent, State> {
  /** State after the command. */
  readonly state: State;
  /** Events the command produced (empty when the decider decided nothing needs to change). */
  readonly events: readonly Event[];
  /** Stream revision after the command (-1: the stream still does not exist). */
  readonly revision: number;
}

/**
 * Read the stream, fold it, decide, append with the expected revision. A concurrent write
 * between read and append is retried from a fresh read, unless the caller fixed the revision.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleOptions<State> = {},
): Promise<CommandResult<Event, State>> {
  return handleCommands(store, decider, streamId, () => [command], options);
}

/**
 * Several commands decided in turn on one stream and appended together (all or none): what one
 * request means when it changes several things at once (a FHIR update that changes a Task's
 * details and its status). `commandsOf` sees the current state (and is asked again on a retry).
 */
export async function handleCommands<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  commandsOf: (state: State) => readonly Command[],
  options: HandleOptions<State> = {},
): Promise<CommandResult<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 3;
  const { cache, expectedRevision } = options;
  // The first pass may decide on a state taken without reading the stream (cached, or the initial
  // one for a new stream). Only a successful append proves such a state was current: any other
  // outcome (a refusal, nothing to do, a lost race) is decided again on the stream as read.
  let assume = true;
  for (let attempt = 1; ; attempt++) {
    const { state, revision, assumed } = await load(store, decider, streamId, options, assume);
    assume = false;
    if (expectedRevision !== undefined && expectedRevision !== revision) {
      throw new PreconditionFailedError(streamId, expectedRevision, revision);
    }
    const decided: Event[] = [];
    let next = state;
    try {
      for (const command of commandsOf(state)) {
        const events = decider.decide(command, next);
        decided.push(...events);
        next = events.reduce((s, e) => decider.evolve(s, e), next);
      }
    } catch (error) {
      if (assumed) continue;
      throw error;
    }
    if (decided.length === 0) {
      if (assumed) continue;
      return { state, events: [], revision };
    }
    const newEvents: NewEvent[] = decided.map((event, index) => ({
      id: options.newEventId?.(index) ?? randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        ...options.metadata,
        // One write, one version: the read models version the write at its last event.
        ...(decided.length > 1 && { write: { index, count: decided.length } }),
      },
    }));
    try {
      const result = await store.append(streamId, newEvents, revision === -1 ? 'no-stream' : revision);
      if (!result.duplicate) cache?.remember(streamId, result.revision, next);
      return {
        state: next,
        events: decided,
        revision: result.revision,
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (assumed) continue;
      if (expectedRevision !== undefined) {
        throw new PreconditionFailedError(streamId, expectedRevision, error.actual);
      }
      if (attempt >= maxAttempts) throw error;
    }
  }
}

/**
 * The state a command decides on. When `assume` is allowed: the initial one if the caller expects
 * no stream (-1), the cached one if it fits the expected revision (or, without one, the newest
 * cached); these are `assumed`. Otherwise the stream, read and folded.
 */
async function load<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  { cache, expectedRevision }: HandleOptions<State>,
  assume: boolean,
): Promise<KnownState<State> & { readonly assumed: boolean }> {
  if (assume && expectedRevision === -1) {
    return { state: decider.initialState(), revision: -1, assumed: true };
  }
  const cached = assume ? cache?.latest(streamId) : undefined;
  if (cached !== undefined && (expectedRevision === undefined || cached.revision === expectedRevision)) {
    return { ...cached, assumed: true };
  }
  const history = (await store.readStream(streamId)) as unknown as RecordedEvent<Event>[];
  const revision = history.at(-1)?.revision ?? -1;
  const state = fold(decider, history as unknown as Event[]);
  if (revision >= 0) cache?.remember(streamId, revision, state);
  return { state, revision, assumed: false };
}
