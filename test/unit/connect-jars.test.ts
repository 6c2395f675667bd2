// The Kafka Connect peer of `npm run bench`: its committed locks match the poms they were
// resolved from, and hold what a standalone worker and Debezium's JDBC sink need, without
// a second Kafka client or Jackson in the sink's plugin folder.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KAFKA_POM, readJarLock, sha256 } from '../../infra/kafka-jars.js';
import { CONNECT_LOCKS } from '../../infra/connect/lock-jars.js';

describe('the committed locks of the Kafka Connect peer', () => {
  it.each(Object.entries(CONNECT_LOCKS))('%s was resolved from its current pom (after editing it, run `npx tsx infra/connect/lock-jars.ts`)', (_, { pom, lock }) => {
    expect(readJarLock(lock).pomSha256).toBe(sha256(readFileSync(pom)));
  });

  it("the worker runs the broker's Kafka version, with the JSON converter", () => {
    const kafkaVersion = /<kafka\.version>([^<]+)</.exec(readFileSync(KAFKA_POM, 'utf8'))![1];
    const ids = readJarLock(CONNECT_LOCKS.runtime.lock).jars.map((jar) => jar.id);
    expect(ids).toContain(`org.apache.kafka:connect-runtime:${kafkaVersion}`);
    expect(ids).toContain(`org.apache.kafka:connect-json:${kafkaVersion}`);
  });

  it("the sink's folder has Debezium's JDBC sink and the MariaDB driver, and leaves Kafka and Jackson to the worker", () => {
    const ids = readJarLock(CONNECT_LOCKS.sink.lock).jars.map((jar) => jar.id);
    expect(ids.some((id) => id.startsWith('io.debezium:debezium-connector-jdbc:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('org.mariadb.jdbc:mariadb-java-client:'))).toBe(true);
    expect(ids.filter((id) => id.startsWith('org.apache.kafka:') || id.startsWith('com.fasterxml.jackson.core:'))).toEqual([]);
  });
});
