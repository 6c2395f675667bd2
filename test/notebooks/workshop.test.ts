// Executes every notebook in order with Jupyter and the tslab kernel, at small scale, in
// a database and topic of its own; any error cell fails the test.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, deleteTopics, dropDatabase, loadConfig, readEnvironment } from '@donations/lib';
import { workshop } from '../../infra/workshop.js';
import { ROOT } from '../../infra/services.js';

const base = loadConfig();
const suffix = randomBytes(3).toString('hex');
const database = `kit_test_nb_${suffix}`;
const topic = `kit-test-nb-${suffix}`;
const url = new URL(readEnvironment().DATABASE_URL!);
url.pathname = `/${database}`;

afterAll(async () => {
  await dropDatabase({ ...base.database, database }, database);
  await deleteTopics(createKafka(base.kafka), [topic]);
});

describe('the workshop notebooks', () => {
  it('all run top to bottom without an error cell', async () => {
    const runs = await workshop({
      rows: 60_000,
      outDir: join(ROOT, 'out', 'test-notebooks'),
      env: { DATABASE_URL: url.toString(), KAFKA_TOPIC: topic },
      quiet: true,
    });
    const failures = runs.filter((r) => r.status !== 'passed').map((r) => `${r.notebook}: ${r.status}\n${r.error ?? ''}`);
    expect(failures).toEqual([]);
    expect(runs.map((r) => r.notebook)).toEqual([
      '00-setup.ipynb',
      '01-kafka-smoke-tests.ipynb',
      '02-pipeline-quick-start.ipynb',
      '03-producing-donations.ipynb',
      '04-naive-schema.ipynb',
      '05-the-pain.ipynb',
      '06-profiling.ipynb',
      '07-optimized-schema.ipynb',
      '08-wrap-up.ipynb',
    ]);
  });
});
