import { deepStrictEqual, fail } from 'node:assert/strict';

/** The shape of a decider (structurally the same as @carenet/eventsourcing's Decider). */
export interface DeciderLike<Command, Event, State> {
  decide(command: Command, state: State): readonly Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface DeciderThen<Event> {
  /** The command produced exactly these events. */
  then(expected: readonly Event[]): void;
  /** The command was refused with this error type (and these properties, if given). */
  thenThrows(errorType: ErrorClass, properties?: Record<string, unknown>): void;
}

export interface DeciderSpecification<Command, Event> {
  given(events: readonly Event[]): { when(command: Command): DeciderThen<Event> };
}

/**
 * Given / when / then for pure deciders:
 *
 *   spec.given([taskRequested]).when(acceptTask).then([taskAccepted]);
 *   spec.given([]).when(acceptTask).thenThrows(BusinessRuleError, { rule: 'task-accept-from-status' });
 *
 * Failures throw AssertionErrors with a readable diff (works in any test runner).
 */
export function deciderSpecification<Command, Event, State>(
  decider: DeciderLike<Command, Event, State>,
): DeciderSpecification<Command, Event> {
  return {
    given(events) {
      return {
        when(command) {
          const run = () =>
            decider.decide(
              command,
              events.reduce((state, event) => decider.evolve(state, event), decider.initialState()),
            );
          return {
            then(expected) {
              deepStrictEqual(run(), expected);
            },
            thenThrows(errorType, properties) {
              let produced: readonly Event[];
              try {
                produced = run();
              } catch (error) {
                if (!(error instanceof errorType)) {
                  fail(`expected ${errorType.name}, but ${String(error)} was thrown`);
                }
                for (const [key, value] of Object.entries(properties ?? {})) {
                  deepStrictEqual((error as unknown as Record<string, unknown>)[key], value, `error.${key}`);
                }
                return;
              }
              fail(`expected ${errorType.name}, but the command produced ${JSON.stringify(produced)}`);
            },
          };
        },
      };
    },
  };
}
