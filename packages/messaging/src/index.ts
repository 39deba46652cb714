export {
  CATEGORY_CONTEXTS,
  contextOf,
  deadLetterTopicOf,
  topicOf,
  UnknownCategoryError,
} from './contexts.js';
export { MalformedMessageError, PermanentMessageError } from './errors.js';
export type { IncomingEvent, RawMessage } from './incoming-event.js';
export type { EventContracts } from './event-contracts.js';
export {
  fromKafkaMessage,
  headersToStrings,
  schemaVersionOf,
  toKafkaMessage,
  type OutgoingMessage,
} from './kafka-envelope.js';
export {
  deadLetterHeaders,
  kafkaDeadLetterSink,
  sqlDeadLetterSink,
  type DeadLetter,
  type DeadLetterSink,
} from './dead-letter-sink.js';
export {
  DEFAULT_RETRY,
  messageProcessor,
  type ConsumerOptions,
  type MessageHandler,
  type MessageTrace,
  type RetryPolicy,
} from './message-processor.js';
export { MESSAGING_MIGRATIONS } from './messaging-migrations.js';
export { messagingMetrics, type MessagingMetrics } from './messaging-metrics.js';
export { startKafkaConsumer, type KafkaConsumerOptions } from './kafka-consumer.js';
export { startStoreLogConsumer, type StoreLogConsumerOptions } from './store-log-consumer.js';
export type { ComponentHealth } from './component-health.js';
export type { RunningConsumer } from './running-consumer.js';
export { ContractViolationError, startRelay, type RelayOptions, type RunningRelay } from './relay.js';
export { relayMetrics, type RelayMetrics } from './relay-metrics.js';
export {
  InvalidTopicProtectionKeyError,
  openValues,
  ProtectedDataError,
  publishedData,
  publishedValue,
  sealValues,
  TOPIC_PROTECTION_KEY_ENV,
  topicProtection,
  topicProtectionFromEnv,
  unsealedData,
  type TopicProtection,
} from './topic-protection.js';
export {
  provisionTopics,
  TopicProvisioningError,
  type ProvisionedTopics,
  type TopicLayout,
} from './topic-provisioning.js';
export {
  startEventSubscriber,
  type EventSource,
  type EventSubscriber,
  type SubscriberRuntime,
} from './event-subscriber.js';
export {
  KAFKA_SASL_MECHANISMS,
  kafkaClientSecurity,
  kafkaSecurityFromEnv,
  type KafkaSaslMechanism,
  type KafkaSecurity,
} from './kafka-security.js';
