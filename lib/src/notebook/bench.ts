/**
 * The latest `npm run bench` figures as rows for a notebook table (lesson 03): the kit's
 * producer beside kcat, and its pipeline beside the database's own limit and Kafka Connect's
 * JDBC sink, measured in one run on this machine. Undefined until the bench has run here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryTop } from './figures.js';

interface Spread {
  best: number;
}

/** What this reads of out/bench/results.json (written by infra/bench.ts). */
interface BenchResults {
  machine?: { date?: string; cpus?: number };
  producer?: { events: number; kcat: Spread; kit: Spread };
  ingest?: { rows: number; rawLoadData: Spread; pipeline: Spread };
  peers?: {
    envelope: { jsonBytesPerEvent: number; envelopeBytesPerEvent: number };
    connect: Spread & { kill: { lost: number; duplicated: number } };
    kit: { kill: { lost: number; duplicated: number } };
  };
}

export interface BenchComparison {
  /** When and where the figures were measured, for the table's caption. */
  measured: string;
  rows: { step: string; tool: string; 'per second': string; delivery: string; 'kill -9 mid-load, table without a key': string; 'bytes per event': string }[];
}

const readBench = (file: string): BenchResults | undefined => {
  if (!existsSync(file)) return undefined;
  const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  return r.producer || r.ingest || r.peers ? r : undefined;
};

/**
 * The comparison from `file` (default out/bench/results.json at the repository's top, this
 * machine's last `npm run bench`), else from the published run BENCHMARKS.md quotes
 * (docs/bench-results.json); undefined when neither holds the producer, ingest or peers.
 */
export function benchComparison(file = join(repositoryTop(), 'out', 'bench', 'results.json'), published = join(repositoryTop(), 'docs', 'bench-results.json')): BenchComparison | undefined {
  const local = readBench(file);
  const r = local ?? readBench(published);
  if (!r) return undefined;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const kill = (k: { lost: number; duplicated: number }) => `${n(k.lost)} lost, ${n(k.duplicated)} rows held twice`;
  const json = r.peers ? `${r.peers.envelope.jsonBytesPerEvent}` : '';
  const rows: BenchComparison['rows'] = [];
  if (r.producer) {
    rows.push({ step: 'produce', tool: 'kcat (librdkafka, C)', 'per second': `${n(r.producer.kcat.best)} events`, delivery: 'acks=all', 'kill -9 mid-load, table without a key': '', 'bytes per event': json });
    rows.push({ step: 'produce', tool: 'the kit (kafkajs, TypeScript)', 'per second': `${n(r.producer.kit.best)} events`, delivery: 'acks=all', 'kill -9 mid-load, table without a key': '', 'bytes per event': json });
  }
  if (r.ingest) rows.push({ step: 'load', tool: 'LOAD DATA of a ready file, no Kafka (the database’s limit)', 'per second': `${n(r.ingest.rawLoadData.best)} rows`, delivery: '', 'kill -9 mid-load, table without a key': '', 'bytes per event': '' });
  if (r.ingest || r.peers) {
    rows.push({
      step: 'load',
      tool: 'the kit’s pipeline',
      'per second': r.ingest ? `${n(r.ingest.pipeline.best)} rows` : '',
      delivery: 'exactly once',
      'kill -9 mid-load, table without a key': r.peers ? kill(r.peers.kit.kill) : '',
      'bytes per event': json,
    });
  }
  if (r.peers) {
    rows.push({
      step: 'load',
      tool: 'Kafka Connect + Debezium JDBC sink',
      'per second': `${n(r.peers.connect.best)} rows`,
      delivery: 'at least once (redelivers after a crash; upserts on a keyed table hide the copies)',
      'kill -9 mid-load, table without a key': kill(r.peers.connect.kill),
      'bytes per event': `${r.peers.envelope.envelopeBytesPerEvent} (schema + payload)`,
    });
  }
  const where = r.machine ? `${r.machine.date ?? '?'} on ${r.machine.cpus ?? '?'} cores` : 'an earlier run';
  return { measured: local ? `npm run bench on this machine, ${where}` : `the run BENCHMARKS.md publishes, ${where}`, rows };
}
