/** The Kafka record is not a carenet CloudEvent (missing headers, value not JSON…). */
export class MalformedMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

/**
 * Thrown by a handler for a message it will never be able to process (retrying cannot help):
 * the message goes to the dead-letter queue at once.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentMessageError';
  }
}
