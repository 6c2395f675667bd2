import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchComparison } from './bench.js';

const results = {
  machine: { date: '2026-11-26 12:00:00', cpus: 2 },
  producer: { events: 500_000, kcat: { best: 1_361_178 }, kit: { best: 120_500 } },
  ingest: { rows: 500_000, rawLoadData: { best: 510_000 }, pipeline: { best: 160_000 } },
  peers: {
    envelope: { jsonBytesPerEvent: 208, envelopeBytesPerEvent: 803 },
    connect: { best: 14_000, kill: { lost: 0, duplicated: 120_000 } },
    kit: { kill: { lost: 0, duplicated: 0 } },
  },
};

describe('benchComparison (notebook 03)', () => {
  it('is undefined when neither this machine nor the published run has figures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-bench-'));
    expect(benchComparison(join(dir, 'results.json'), join(dir, 'published.json'))).toBeUndefined();
  });

  it("falls back to the published run, and says so, when this machine's bench has no such part", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-bench-'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ machine: results.machine, liveWrites: {} }));
    writeFileSync(join(dir, 'published.json'), JSON.stringify(results));
    expect(benchComparison(join(dir, 'results.json'), join(dir, 'published.json'))!.measured).toBe('the run BENCHMARKS.md publishes, 2026-11-26 12:00:00 on 2 cores');
  });

  it('reads the published run the repository holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-bench-'));
    const table = benchComparison(join(dir, 'none.json'))!;
    expect(table.measured).toMatch(/^the run BENCHMARKS.md publishes, /);
    expect(table.rows.map((r) => r.tool)).toContain('Kafka Connect + Debezium JDBC sink');
  });

  it('puts the kit beside kcat, the database’s limit and the Connect sink, with what a kill -9 did', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kit-bench-')), 'results.json');
    writeFileSync(file, JSON.stringify(results));
    const table = benchComparison(file)!;
    expect(table.measured).toBe('npm run bench on this machine, 2026-11-26 12:00:00 on 2 cores');
    expect(table.rows.map((r) => [r.tool, r['per second']])).toEqual([
      ['kcat (librdkafka, C)', '1,361,178 events'],
      ['the kit (kafkajs, TypeScript)', '120,500 events'],
      ['LOAD DATA of a ready file, no Kafka (the database’s limit)', '510,000 rows'],
      ['the kit’s pipeline', '160,000 rows'],
      ['Kafka Connect + Debezium JDBC sink', '14,000 rows'],
    ]);
    expect(table.rows[3]!['kill -9 mid-load, table without a key']).toBe('0 lost, 0 rows held twice');
    expect(table.rows[4]!['kill -9 mid-load, table without a key']).toBe('0 lost, 120,000 rows held twice');
    expect(table.rows[4]!['bytes per event']).toBe('803 (schema + payload)');
  });
});
