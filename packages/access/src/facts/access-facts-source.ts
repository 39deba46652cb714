import type { DomainEvent, SqlExecutor } from '@carenet/eventsourcing';
import type { PostgresAccessFacts } from './postgres-access-facts.js';

/**
 * The access facts one kind of stream states, from the state its events fold into: what the
 * owning service keeps inline in its own database, and what every other service of the distributed
 * mode keeps from the owner's topic (`remoteAccessFactsSubscriber` of @carenet/runtime). Exported
 * by the owning service with its own `evolve`, so that both read the events alike.
 */
export interface AccessFactsSource<State = unknown> {
  /** The stream category (`Task`, `Consent`…): streams `<category>-<id>`. */
  readonly category: string;
  initialState(): State;
  evolve(state: State, event: DomainEvent): State;
  /**
   * Writes what the stream's state states now, replacing what it stated before (`replaceSource`,
   * `replaceAliases` of `facts`); `stateOf` gives another stream's state when the facts depend on
   * it (a merged Patient record's target).
   */
  write(
    tx: SqlExecutor,
    facts: PostgresAccessFacts,
    id: string,
    state: State,
    stateOf: (category: string, id: string) => Promise<State | undefined>,
  ): Promise<void>;
}

/** The event type a decider's `evolve` takes (for the casts of an AccessFactsSource's `evolve`). */
export type DomainEventLike<D extends { evolve(state: never, event: never): unknown }> = Parameters<
  D['evolve']
>[1];
