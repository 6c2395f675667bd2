// `npm run produce` stopped with Ctrl-C: the producer flushes what is in flight, records
// what the broker acknowledged, ends the campaign and exits 0, and the ledger, the output
// and the topic agree to the donation.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_BLOCK, consume, deleteTopics, getCampaign, readEnvironment, uniqueTopicName } from '@donations/lib';
import { ROOT } from '../../infra/services.js';
import { scratch, type Scratch } from './helpers.js';

let s: Scratch;
const topics: string[] = [];
beforeAll(async () => {
  s = await scratch();
});
afterAll(async () => {
  await deleteTopics(s.kafka, topics);
  await s?.cleanup();
});

describe('npm run produce', () => {
  // Ctrl-C in its terminal, a presenter's `kill`, the terminal closed: each stops it cleanly.
  it.each([
    ['SIGINT', 'Ctrl-C'],
    ['SIGTERM', 'SIGTERM'],
    ['SIGHUP', 'SIGHUP'],
  ] as const)('on %s: flushes, records what was acknowledged, ends the campaign, exits 0', async (signal, named) => {
    const topic = uniqueTopicName();
    topics.push(topic);
    const url = new URL(readEnvironment().DATABASE_URL!);
    url.pathname = `/${s.database}`;
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'infra/produce.ts'), '--duration', '60s', '--rate', '2000'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString(), KAFKA_TOPIC: topic },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Ctrl-C once the producer has reported twice (it reports every second): about 2 s in.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the producer reported no progress within 60 s:\n${stdout}\n${stderr}`)), 60_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if ((stdout.match(/acknowledged/g) ?? []).length >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill(signal);
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(`still running 30 s after ${signal}`), 30_000))]);
    child.kill('SIGKILL');
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`stopping the producer cleanly (${named} received; Ctrl-C again to quit at once)...`);

    const campaignId = Number(/^campaign (\d+): /m.exec(stdout)![1]);
    const summary = /^sent ([\d,]+), acknowledged ([\d,]+), failed (\d+), .*\(stopped by signal\)$/m.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const [sent, acknowledged, failed] = summary!.slice(1, 4).map((n) => Number(n.replace(/,/g, ''))) as [number, number, number];
    expect(failed).toBe(0);
    expect(sent).toBe(acknowledged);
    // Stopped well before its 60 s at 2,000 a second.
    expect(acknowledged).toBeGreaterThan(0);
    expect(acknowledged).toBeLessThan(60 * 2_000);

    const record = await getCampaign(s.db, campaignId);
    expect(record).toMatchObject({ eventsSent: acknowledged, lastTransactionId: campaignId * ID_BLOCK + acknowledged });
    expect(record!.endedAt).toBeInstanceOf(Date);

    // Every acknowledged donation is in the topic, once, ids 1..acknowledged of the campaign.
    const { messages } = await consume(s.kafka, topic, { from: 'beginning', timeoutMs: 60_000 });
    const ids = messages.map((m) => Number(m.key)).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: acknowledged }, (_, i) => campaignId * ID_BLOCK + i + 1));
  });
});
