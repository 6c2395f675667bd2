// What the producer refuses before it connects, and its progress line, without a broker
// (its sending is tested on the real broker: test/integration, test/faults).
import { describe, expect, it } from 'vitest';
import { Campaign } from '../campaigns/generator.js';
import { createKafka } from './client.js';
import { formatProgress, produceCampaign } from './producer.js';

const kafka = createKafka({ brokers: ['127.0.0.1:1'], pipelineBrokers: ['127.0.0.1:1'], topic: 'donations', retentionMs: 1, ssl: false } as never, { retries: 0, connectionTimeoutMs: 200 });
const campaign = new Campaign({ id: 1, seed: 1 });

describe('produceCampaign refuses, naming the problem', () => {
  it('a run with nothing to stop it', async () => {
    await expect(produceCampaign(kafka, { campaign })).rejects.toThrow('produceCampaign needs a count, a duration or an abort signal: it would never stop otherwise');
  });

  it('a rate that is not a positive number', async () => {
    for (const rate of [0, -5, Number.NaN]) {
      await expect(produceCampaign(kafka, { campaign, count: 1, rate })).rejects.toThrow(`rate must be a positive number of events per second, got ${rate}`);
    }
  });

  it('a backdated run without a count', async () => {
    const backdate = { from: new Date(0), to: new Date(1000) };
    await expect(produceCampaign(kafka, { campaign, durationMs: 10, backdate })).rejects.toThrow('backdate spreads a count of donations over a time span: give a count');
  });

  it('a topic name Kafka would refuse', async () => {
    await expect(produceCampaign(kafka, { campaign, count: 1, topic: 'bad topic' })).rejects.toThrow(/bad topic/);
  });
});

describe('formatProgress', () => {
  it('shows sent of total with its percentage, acknowledged and the rate, with thousands separated', () => {
    expect(formatProgress({ sent: 12_000, acknowledged: 11_800, failed: 0, elapsedMs: 500, eventsPerSecond: 23_100, total: 50_000 })).toBe('12,000 / 50,000 (24%) sent, 11,800 acknowledged, 23,100 events/s');
  });

  it('names failures, and leaves the total out when there is none', () => {
    expect(formatProgress({ sent: 2_500, acknowledged: 2_000, failed: 500, elapsedMs: 1_000, eventsPerSecond: 2_000 })).toBe('2,500 sent, 2,000 acknowledged, 500 FAILED, 2,000 events/s');
  });

  it('rounds the percentage down: 99.99% is not done', () => {
    expect(formatProgress({ sent: 9_999, acknowledged: 9_999, failed: 0, elapsedMs: 1, eventsPerSecond: 1, total: 10_000 })).toContain('(99%)');
  });
});
