// Against the real broker that `npm run up` started: each test has its own topic.
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaUnavailableError, consume, createKafka, createTopic, deleteTopics, listMetadata, loadConfig, produceLine, uniqueTopicName } from '@donations/lib';

const config = loadConfig();
const kafka = createKafka(config.kafka);
const created: string[] = [];

function freshTopic(): string {
  const topic = uniqueTopicName();
  created.push(topic);
  return topic;
}

afterAll(async () => {
  await deleteTopics(kafka, created);
});

describe('kcat equivalents on a real broker', () => {
  it('lists metadata like kcat -L, including a topic just created', async () => {
    const topic = freshTopic();
    const result = await createTopic(kafka, { topic, partitions: 3 });
    expect(result.created).toBe(true);
    expect(result.command).toContain(`--topic ${topic} --partitions 3`);
    const metadata = await listMetadata(kafka);
    expect(metadata.brokers.length).toBeGreaterThanOrEqual(1);
    expect(metadata.command).toBe(`kcat -b ${config.kafka.brokers.join(',')} -L`);
    const described = metadata.topics.find((t) => t.name === topic);
    expect(described?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
  });

  it('creating an existing topic reports it was not created', async () => {
    const topic = freshTopic();
    expect((await createTopic(kafka, { topic })).created).toBe(true);
    expect((await createTopic(kafka, { topic })).created).toBe(false);
  });

  it('consumes from the beginning what was produced', async () => {
    const topic = freshTopic();
    await createTopic(kafka, { topic });
    const lines = ['msg0', 'msg1 with spaces', '{"json":true}'];
    for (const line of lines) await produceLine(kafka, topic, line);
    const { messages, command } = await consume(kafka, topic, { from: 'beginning' });
    expect(messages.map((m) => m.value)).toEqual(lines);
    expect(messages.map((m) => m.offset)).toEqual(['0', '1', '2']);
    expect(command).toBe(`kcat -C -b ${config.kafka.brokers.join(',')} -t ${topic} -o beginning -e`);
  });

  it('consumes the last N messages and keeps keys', async () => {
    const topic = freshTopic();
    await createTopic(kafka, { topic });
    for (let i = 0; i < 5; i++) await produceLine(kafka, topic, `line ${i}`, `key-${i}`);
    const { messages } = await consume(kafka, topic, { from: { last: 2 } });
    expect(messages.map((m) => [m.key, m.value])).toEqual([
      ['key-3', 'line 3'],
      ['key-4', 'line 4'],
    ]);
  });

  it('returns no message from an empty topic without waiting for the timeout', async () => {
    const topic = freshTopic();
    await createTopic(kafka, { topic });
    const started = Date.now();
    expect((await consume(kafka, topic, { timeoutMs: 20_000 })).messages).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers an unreachable broker with one clear error', async () => {
    const wrong = { ...config.kafka, brokers: ['127.0.0.1:1'] };
    const started = Date.now();
    const error = await listMetadata(createKafka(wrong, { retries: 1, connectionTimeoutMs: 500 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach Kafka at 127\.0\.0\.1:1: start it with `npm run up`/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
