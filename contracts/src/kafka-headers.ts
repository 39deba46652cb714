/**
 * The Kafka header names of carenet messages, as described in contracts/asyncapi.yaml
 * (components.schemas.CloudEventsHeaders and DeadLetterHeaders); a unit test keeps the two
 * in step. Producers, consumers and the dead-letter queue use these constants.
 */

/**
 * CloudEvents 1.0 attributes in Kafka binary content mode, plus the W3C trace context and the
 * mark of a replayed message.
 */
export const CLOUDEVENTS_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  subject: 'ce_subject',
  time: 'ce_time',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  /**
   * CloudEvents `sequence` extension: the event's revision in its stream (0-based, decimal), so
   * that a subscriber can check per-key order and spot a gap.
   */
  sequence: 'ce_sequence',
  traceparent: 'traceparent',
  /**
   * Not a CloudEvents attribute: set only on a message re-emitted by `carenet republish`, to the
   * id of that republish run (a UUID). Every other header is the original's, `ce_id` included.
   */
  replay: 'carenet_replay',
} as const;

/** The value of `ce_specversion`. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** The value of `content-type`: the record value is the event data as JSON. */
export const EVENT_CONTENT_TYPE = 'application/json';

/**
 * Added to a dead letter, next to every original header. Values are UTF-8 strings; attempts,
 * partition and offset are decimal numbers.
 */
export const DEAD_LETTER_HEADERS = {
  /** The error's class name, e.g. `UnknownEventTypeError`. */
  errorType: 'carenet_error_type',
  errorMessage: 'carenet_error_message',
  /** The consumer group that gave up. */
  errorGroup: 'carenet_error_group',
  /** How many times the message was tried. */
  errorAttempts: 'carenet_error_attempts',
  originalTopic: 'carenet_original_topic',
  originalPartition: 'carenet_original_partition',
  originalOffset: 'carenet_original_offset',
} as const;
