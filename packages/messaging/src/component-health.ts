/**
 * What a background component (relay, consumer, clock) says about itself for `/readyz`: ready or
 * not, and why not, in words an operator can act on. Never patient data.
 */
export interface ComponentHealth {
  /** e.g. `relay tasks-relay`, `consumer tasks.care-plan-actions`. */
  readonly name: string;
  readonly ready: boolean;
  /** Why it is not ready (absent when ready). */
  readonly reason?: string;
}
