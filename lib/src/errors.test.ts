import { describe, expect, it } from 'vitest';
import { ConfigError, DatabaseAuthError, InvalidIdentifierError, KafkaUnavailableError, KitError, describeError, redactSecrets } from './errors.js';

describe('errors', () => {
  it('are KitErrors with their own names and keep the cause', () => {
    const cause = new Error('ECONNREFUSED 127.0.0.1:9092');
    const error = new KafkaUnavailableError(['127.0.0.1:9092'], cause);
    expect(error).toBeInstanceOf(KitError);
    expect(error.name).toBe('KafkaUnavailableError');
    expect(error.cause).toBe(cause);
    expect(error.retriable).toBe(true);
    expect(error.message).toBe('Cannot reach Kafka at 127.0.0.1:9092: start it with `npm run up`, or fix KAFKA_BROKERS. (ECONNREFUSED 127.0.0.1:9092)');
  });

  it('tell a refused SASL login from an unreachable broker, and do not retry it', () => {
    const cause = Object.assign(new Error('SASL PLAIN authentication failed: Authentication failed'), { name: 'KafkaJSSASLAuthenticationError' });
    const error = new KafkaUnavailableError(['broker.example:9096'], cause);
    expect(error.message).toMatch(/^Kafka at broker\.example:9096 refused the SASL login: check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/);
    expect(error.retriable).toBe(false);
  });

  it('tell a certificate this machine does not trust from an unreachable broker, and do not retry it', () => {
    for (const reason of ['self-signed certificate in certificate chain', 'self signed certificate', 'unable to verify the first certificate', "Hostname/IP does not match certificate's altnames: Host: a. is not in the cert's altnames"]) {
      // kafkajs wraps the socket's error, then its retrier wraps that.
      const connection = Object.assign(new Error(`Connection error: ${reason}`), { name: 'KafkaJSConnectionError' });
      const retried = Object.assign(new Error(connection.message, { cause: connection }), { name: 'KafkaJSNumberOfRetriesExceeded' });
      for (const cause of [connection, retried]) {
        const error = new KafkaUnavailableError(['vm.example:9094'], cause);
        expect(error.message).toBe(
          "Kafka at vm.example:9094 presented a TLS certificate this machine does not trust: set KAFKA_SSL_CA to the broker's CA certificate (PEM; `npm run cloud:env` writes the cloud VM's), " +
            `and check that KAFKA_BROKERS names the host the certificate was made for. (Connection error: ${reason})`,
        );
        expect(error.retriable).toBe(false);
      }
    }
    expect(new KafkaUnavailableError(['a:1'], new Error('Connection error: read ECONNRESET')).message).toMatch(/^Cannot reach Kafka/);
  });

  it('name the variable of a configuration problem', () => {
    const error = new ConfigError('KAFKA_BROKERS', 'is empty', 'Set it to host:port');
    expect(error.variable).toBe('KAFKA_BROKERS');
    expect(error.message).toBe('KAFKA_BROKERS: is empty. Set it to host:port');
    expect(error.retriable).toBe(false);
  });

  it('never carry the password of a refused login', () => {
    const cause = Object.assign(new Error("Access denied for user 'kit'@'localhost' (using password: YES)"), { code: 'ER_ACCESS_DENIED_ERROR' });
    expect(new DatabaseAuthError('kit', '127.0.0.1:3306', cause).message).toBe(
      "The database at 127.0.0.1:3306 refused user 'kit': check the user and password in DATABASE_URL (.env).",
    );
  });

  it('reject identifiers that could carry SQL', () => {
    expect(new InvalidIdentifierError('table', 'x; DROP TABLE y').message).toMatch(/^Invalid table name "x; DROP TABLE y": use 1-64 letters/);
  });
});

describe('redactSecrets', () => {
  it('hides URL passwords and password=value pairs', () => {
    expect(redactSecrets('connect mysql://kit:hunter2@db:3306/x failed')).toBe('connect mysql://kit:***@db:3306/x failed');
    expect(redactSecrets('password=hunter2 user=kit')).toBe('password=*** user=kit');
    expect(redactSecrets('KAFKA_SASL_PASSWORD: "abc"')).toBe('KAFKA_SASL_PASSWORD: ***');
  });

  it('describeError redacts errors that are not KitErrors', () => {
    expect(describeError(new TypeError('bad url singlestore://admin:topsecret@h/db'))).toBe('TypeError: bad url singlestore://admin:***@h/db');
    expect(describeError('plain')).toBe('plain');
  });
});
