// Kafka's failures, as kafkajs throws them, become one line that names the cause and the fix.
import { describe, expect, it } from 'vitest';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { KafkaUnavailableError, KitError } from '../errors.js';
import { asKafkaError } from './client.js';

const brokers = ['127.0.0.1:9092'];

describe('asKafkaError', () => {
  it('names a missing topic or partition, not an unreachable Kafka, even after retries', () => {
    // kafkajs builds protocol errors from its table of error codes: this is code 3's entry.
    const unknownTopic = new KafkaJSProtocolError({ message: 'This server does not host this topic-partition', type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true } as unknown as Error);
    const error = asKafkaError(new KafkaJSNumberOfRetriesExceeded(unknownTopic, { retryCount: 5, retryTime: 300 }), brokers);
    expect(error).toBeInstanceOf(KitError);
    expect(error).not.toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toMatch(/^Kafka at 127\.0\.0\.1:9092 does not host this topic or partition: it was never created, or was deleted meanwhile/);
  });

  it('calls a refused connection unreachable, with the command that starts Kafka', () => {
    const error = asKafkaError(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), { retryCount: 5, retryTime: 300 }), brokers);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach Kafka at 127\.0\.0\.1:9092: start it with `npm run up`/);
  });

  it('passes other errors through unchanged', () => {
    const other = new TypeError('not Kafka');
    expect(asKafkaError(other, brokers)).toBe(other);
  });
});
