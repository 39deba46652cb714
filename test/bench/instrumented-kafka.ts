import type { Kafka, Producer, ProducerBatch } from 'kafkajs';

/** Called after each `sendBatch`: when it was called, when the broker acknowledged, what it sent. */
export type SendObserver = (startedAt: number, endedAt: number, batch: ProducerBatch) => void;

function observedProducer(producer: Producer, observe: SendObserver): Producer {
  const sendBatch = producer.sendBatch.bind(producer);
  producer.sendBatch = async (batch) => {
    const started = performance.now();
    const result = await sendBatch(batch);
    observe(started, performance.now(), batch);
    return result;
  };
  return producer;
}

/** The same client, whose producers report every acknowledged `sendBatch`. */
export function instrumentedKafka(kafka: Kafka, observe: SendObserver): Kafka {
  return new Proxy(kafka, {
    get(target, property, receiver) {
      if (property === 'producer') {
        return (...args: Parameters<Kafka['producer']>) =>
          observedProducer(target.producer(...args), observe);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
