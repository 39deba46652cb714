import { randomUUID } from 'node:crypto';
import { fold, type Decider } from './decider.js';
import { ConcurrencyError, PreconditionFailedError } from './errors.js';
import type { EventStore } from './event-store.js';
import type { DomainEvent, EventMetadata, NewEvent, RecordedEvent } from './events.js';

export interface HandleOptions {
  /**
   * The revision the caller saw (FHIR `If-Match`: versionId - 1). When given, the command runs
   * only if the stream is still there; otherwise PreconditionFailedError, never a retry.
   */
  readonly expectedRevision?: number;
  /** Recorded on every event (actor, time, trace…). */
  readonly metadata?: EventMetadata;
  /** Event ids (default: random UUIDs). Pass stable ids to make a retried command idempotent. */
  readonly newEventId?: (index: number) => string;
  /** Attempts when another writer wins the race and no expected revision was given (default 3). */
  readonly maxAttempts?: number;
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
  options: HandleOptions = {},
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
  options: HandleOptions = {},
): Promise<CommandResult<Event, State>> {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const history = (await store.readStream(streamId)) as unknown as RecordedEvent<Event>[];
    const revision = history.at(-1)?.revision ?? -1;
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new PreconditionFailedError(streamId, options.expectedRevision, revision);
    }
    const state = fold(decider, history as unknown as Event[]);
    const decided: Event[] = [];
    let next = state;
    for (const command of commandsOf(state)) {
      const events = decider.decide(command, next);
      decided.push(...events);
      next = events.reduce((s, e) => decider.evolve(s, e), next);
    }
    if (decided.length === 0) return { state, events: [], revision };
    const newEvents: NewEvent[] = decided.map((event, index) => ({
      id: options.newEventId?.(index) ?? randomUUID(),
      type: event.type,
      data: event.data,
      metadata: options.metadata ?? {},
    }));
    try {
      const result = await store.append(streamId, newEvents, revision === -1 ? 'no-stream' : revision);
      return {
        state: next,
        events: decided,
        revision: result.revision,
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (options.expectedRevision !== undefined) {
        throw new PreconditionFailedError(streamId, options.expectedRevision, error.actual);
      }
      if (attempt >= maxAttempts) throw error;
    }
  }
}
