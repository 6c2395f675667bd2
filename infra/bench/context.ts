/**
 * What every part of the bench shares: its settings and handles (the Bench), where it writes,
 * and the tables and topics it makes: fresh tables, the kit's producer, the source topic.
 */
import { join } from 'node:path';
import { createKafka, createTopic, layoutDdl, recordProduced, topicOffsets, uniqueTopicName, type Database, type KitConfig, type ProduceSummary } from '@donations/lib';
import { ROOT } from '../services.js';
import { runWorker, type Services } from './measure.js';

export const OUT = join(ROOT, 'out', 'bench');
export const PROFILES = join(OUT, 'profiles');
export const BENCH_DATABASE = 'kit_bench';
export const SEED = 7;

export const n = (x: number) => Math.round(x).toLocaleString('en-US');

export interface Bench {
  config: KitConfig;
  db: Database;
  services: Services;
  events: number;
  repeat: number;
  profile: boolean;
  connectBatch: number;
  /** The bench campaign in the ledger: every topic below carries its events. */
  campaignId: number;
  topics: string[];
  /** A topic holding the campaign's events as the kit's JSON, produced by the kit's producer. */
  source?: string;
}

export const workerEnv = { BENCH_DATABASE };

export async function count(db: Database, table: string): Promise<number> {
  const [row] = await db.query<{ c: number }>(`SELECT COUNT(*) AS c FROM ${table}`);
  return Number(row!.c);
}

export async function freshTable(db: Database, table: string, layoutKey: 'naive' | 'optimized' = 'naive'): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${table}`);
  await db.execute(layoutDdl('mariadb', layoutKey, table).sql);
}

/** The naive table without its key: a row loaded twice stays twice, so that reconciliation can count it. */
export async function keylessTable(db: Database, table: string): Promise<void> {
  await db.execute(`DROP TABLE IF EXISTS ${table}`);
  const ddl = layoutDdl('mariadb', 'naive', table).sql.replace(/,\s*PRIMARY KEY \(transaction_id\)/, '');
  if (ddl.includes('PRIMARY KEY')) throw new Error('the naive DDL changed: the keyless copy still has its key');
  await db.execute(ddl);
}

export async function newTopic(bench: Bench, prefix: string): Promise<string> {
  const topic = uniqueTopicName(prefix);
  bench.topics.push(topic);
  await createTopic(createKafka(bench.config.kafka), { topic });
  return topic;
}

export async function topicEnd(bench: Bench, topic: string): Promise<number> {
  return (await topicOffsets(createKafka(bench.config.kafka), topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

export function profileFile(name: string): string {
  return join(PROFILES, `${name}.cpuprofile`);
}

export async function produceWithKit(bench: Bench, topic: string, options: { envelope?: boolean; profileAs?: string } = {}): Promise<ProduceSummary & { cpuSeconds: number }> {
  const profile = options.profileAs ? profileFile(options.profileAs) : undefined;
  const args = ['--topic', topic, '--campaign', String(bench.campaignId), '--seed', String(SEED), '--count', String(bench.events), ...(options.envelope ? ['--envelope'] : [])];
  const summary = await runWorker<ProduceSummary>('produce', args, { env: workerEnv, profile });
  if (summary.acknowledged !== bench.events || (await topicEnd(bench, topic)) !== bench.events) throw new Error(`the kit's producer delivered ${summary.acknowledged} of ${bench.events} events to ${topic}`);
  return summary;
}

/** The JSON topic the loaders read, produced once by the kit's producer; its tally goes to the ledger. */
export async function sourceTopic(bench: Bench): Promise<string> {
  if (bench.source) return bench.source;
  const topic = await newTopic(bench, 'kit-bench-source');
  const summary = await produceWithKit(bench, topic);
  await recordProduced(bench.db, summary);
  bench.source = topic;
  return topic;
}
