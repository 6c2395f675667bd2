// The producer in a thread of its own (lesson 05, the live parts, the bench's end to end), on the
// real broker: the same donations, summary and progress as on the main thread, a stop that
// counts exactly what was acknowledged, the campaign going on where the thread left it, and
// the kit's own error for an unreachable broker; the thread kept between campaigns, which
// neither mixes them up nor keeps a finished script alive.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Campaign, KafkaUnavailableError, consume, createKafka, produceCampaign, produceCampaignOffThread, topicOffsets, type KafkaClient } from '@donations/lib';
import { ROOT } from '../../infra/services.js';
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

  it('serves campaigns one after another and at once, each with exactly its donations, after a stopped one', async () => {
    const topic = await s.topic();
    const stop = new AbortController();
    const stopped = await produceCampaignOffThread(s.kafka, { topic, campaign: new Campaign({ id: 44, seed: 44 }), rate: 5_000, durationMs: 60_000, signal: stop.signal, progressEveryMs: 50, onProgress: (p) => p.acknowledged > 500 && stop.abort() });
    expect(stopped.stoppedBy).toBe('signal');
    const next = await produceCampaignOffThread(s.kafka, { topic, campaign: new Campaign({ id: 45, seed: 45 }), count: 3_000, backdate });
    const atOnce = await Promise.all([46, 47].map((id) => produceCampaignOffThread(s.kafka, { topic, campaign: new Campaign({ id, seed: id }), count: 2_000, backdate })));
    for (const summary of [next, ...atOnce]) expect(summary).toMatchObject({ failed: 0, stoppedBy: 'count', acknowledged: summary.sent });
    const byCampaign = new Map<number, number>();
    for (const line of await messagesOf(s.kafka, topic)) {
      const id = (JSON.parse(line.slice(line.indexOf(' ') + 1)) as { campaign_id: number }).campaign_id;
      byCampaign.set(id, (byCampaign.get(id) ?? 0) + 1);
    }
    expect(Object.fromEntries(byCampaign)).toEqual({ 44: stopped.acknowledged, 45: 3_000, 46: 2_000, 47: 2_000 });
  });

  it('lets a script that produced end by itself: the idle thread holds nothing open', async () => {
    // A file inside the clone, so that it resolves @donations/lib as a learner's script would.
    const script = join(ROOT, '.kit', `producer-exit-${process.pid}.mjs`);
    writeFileSync(script, `
      import { Campaign, createKafka, loadConfig, produceCampaignOffThread } from '@donations/lib';
      const summary = await produceCampaignOffThread(createKafka(loadConfig().kafka), { topic: process.env.TOPIC, campaign: new Campaign({ id: 48, seed: 48 }), count: 1000 });
      console.log(summary.acknowledged);`);
    try {
      const run = spawnSync(process.execPath, [script], { env: { ...process.env, TOPIC: await s.topic() }, encoding: 'utf8', timeout: 30_000 });
      expect(run.error, 'the script was still running after 30 s').toBeUndefined();
      expect(run.stderr).toBe('');
      expect(run.stdout.trim()).toBe('1000');
      expect(run.status).toBe(0);
    } finally {
      rmSync(script, { force: true });
    }
  });
});
