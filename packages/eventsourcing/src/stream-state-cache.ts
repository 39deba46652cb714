/** A stream's state folded up to a revision. */
export interface KnownState<State> {
  readonly revision: number;
  readonly state: State;
}

/**
 * The last known state of recently used streams, each with the revision it was folded up to, in
 * one process: a command decides on it without reading the stream, and an inline projection
 * evolves it without reading its read model.
 *
 * A stream's state at a given revision never changes (events are immutable), so an entry is never
 * wrong, only possibly behind the stream. The append's expected revision catches a stream that
 * moved on (another process, another request): the command handler then reads it afresh.
 *
 * Only committed states belong here: states read outside any transaction, or the result of an
 * append that committed on its own. Never remember a state inside a caller's transaction, which
 * may still roll back.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, KnownState<State>>();

  /** `capacity`: streams kept (the least recently used go first). */
  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The newest state known of a stream. */
  latest(streamId: string): KnownState<State> | undefined {
    const known = this.entries.get(streamId);
    if (known === undefined) return undefined;
    this.entries.delete(streamId);
    this.entries.set(streamId, known);
    return known;
  }

  /** The state of a stream at exactly `revision`, if that is the one known. */
  at(streamId: string, revision: number): State | undefined {
    const known = this.entries.get(streamId);
    return known?.revision === revision ? known.state : undefined;
  }

  /** Records a committed state; an older revision than the one known is ignored. */
  remember(streamId: string, revision: number, state: State): void {
    const known = this.entries.get(streamId);
    if (known !== undefined && known.revision > revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { revision, state });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }
}
