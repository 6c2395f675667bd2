// The producer in a thread of its own (lesson 05, the live parts, the bench's end to end), on the
// real broker: the same donations, summary and progress as on the main thread, a stop that
// counts exactly what was acknowledged, the campaign going on where the thread left it, and
// the kit's own error for an unreachable broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign, KafkaUnavailableError, consume, createKafka, produceCampaign, produceCampaignOffThread, topicOffsets, type KafkaClient } from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => s?.cleanup());

const backdate = { from: new Date('2026-12-01T10:00:00Z'), to: new Date('2026-12-01T11:00:00Z') };

async function messagesOf(kafka: KafkaClient, topic: string): Promise<string[]> {
  const { messages } = await consume(kafka, topic, { from: 'beginning', limit: 100_000 });
  return messages.map((m) => `${m.key} ${m.value}`);
}

describe('the producer in a thread of its own', () => {
  it('sends the donations the main thread sends, reports progress, and the campaign goes on from there', async () => {
    const [inThread, offThread] = [await s.topic(), await s.topic()];
    const here = await produceCampaign(s.kafka, { topic: inThread, campaign: new Campaign({ id: 41, seed: 41 }), count: 20_000, backdate });
    const campaign = new Campaign({ id: 41, seed: 41 });
    const progress: number[] = [];
    const there = await produceCampaignOffThread(s.kafka, { topic: offThread, campaign, count: 20_000, backdate, progressEveryMs: 1, onProgress: (p) => progress.push(p.acknowledged) });
    expect(there).toMatchObject({ acknowledged: 20_000, failed: 0, sent: 20_000, stoppedBy: 'count', firstTransactionId: here.firstTransactionId, lastTransactionId: here.lastTransactionId, amountAcknowledged: here.amountAcknowledged });
    expect(await messagesOf(s.kafka, offThread)).toEqual(await messagesOf(s.kafka, inThread));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(20_000);
    // The next donation is the 20,001st, as if the main thread had produced them.
    const reference = new Campaign({ id: 41, seed: 41 });
    for (let i = 0; i < 20_000; i++) reference.next(backdate.from);
    expect(campaign.next(backdate.to)).toEqual(reference.next(backdate.to));
  });

  it('stops on its signal, and the summary counts exactly what the topic holds', async () => {
    const topic = await s.topic();
    const stop = new AbortController();
    const campaign = new Campaign({ id: 42, seed: 42 });
    const summary = await produceCampaignOffThread(s.kafka, {
      topic,
      campaign,
      rate: 5_000,
      durationMs: 60_000,
      signal: stop.signal,
      progressEveryMs: 50,
      onProgress: (p) => p.acknowledged > 2_000 && stop.abort(),
    });
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.acknowledged).toBeGreaterThan(2_000);
    expect(summary.acknowledged).toBeLessThan(60_000 * 5);
    const [range] = await topicOffsets(s.kafka, topic);
    expect(Number(range!.high)).toBe(summary.acknowledged);
    expect(campaign.generated).toBe(summary.sent);
  });

  it("fails with the kit's one-line error when the broker cannot be reached", async () => {
    const nowhere = createKafka({ ...s.config.kafka, brokers: ['127.0.0.1:1'] }, { connectionTimeoutMs: 500, retries: 0 });
    const error = await produceCampaignOffThread(nowhere, { topic: 'kit-nowhere', campaign: new Campaign({ id: 43, seed: 43 }), count: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toMatch(/^Cannot reach Kafka at 127\.0\.0\.1:1: start it with `npm run up`, or fix KAFKA_BROKERS\./);
  });
});
