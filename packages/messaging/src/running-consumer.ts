import type { ComponentHealth } from './component-health.js';

export interface RunningConsumer {
  /** Resolves once the consumer receives messages (Kafka: joined its group). */
  readonly ready: Promise<void>;
  /**
   * `consumer <group>`: not ready when stopped, crashed (while it is being recreated), not joined
   * to its group (Kafka), or failing to read the store log (embedded).
   */
  health(): ComponentHealth;
  stop(): Promise<void>;
}
