export interface RunningConsumer {
  /** Resolves once the consumer receives messages (Kafka: joined its group). */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}
