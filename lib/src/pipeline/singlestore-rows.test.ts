// SingleStore's information_schema rows, shaped as its docs give them, mapped to the kit's
// status: what "loaded" means must come from SUCCESSFUL_CURSOR_OFFSET, never CURSOR_OFFSET,
// which moves when a batch is extracted, before it commits.
import { describe, expect, it } from 'vitest';
import type { Database } from '../database/database.js';
import type { KafkaClient } from '../kafka/client.js';
import { SingleStorePipeline } from './singlestore.js';

/** A database answering each statement with the rows of the first pattern it matches. */
function answering(rowsFor: [RegExp, Record<string, unknown>[]][]): Database {
  const query = async (sql: string) => rowsFor.find(([pattern]) => pattern.test(sql))?.[1] ?? [];
  return { target: 'singlestore', name: 'donations', query, execute: async () => ({}) } as unknown as Database;
}

const kafka = { settings: { brokers: ['kafka:29092'], topic: 'donations', ssl: false }, topic: 'donations', brokers: ['kafka:29092'] } as unknown as KafkaClient;
const spec = { name: 'donations_kafka_consumer', topic: 'donations', table: 'donation_transactions', format: 'donations-json' as const };

describe("SingleStore pipeline rows as the kit reads them", () => {
  it('takes the loaded offset from SUCCESSFUL_CURSOR_OFFSET and the extracted one from CURSOR_OFFSET', async () => {
    // A batch extracted to 1,500 and still loading: loaded stays at 1,000.
    const db = answering([[/PIPELINES_CURSORS/, [
      { DATABASE_NAME: 'donations', PIPELINE_NAME: spec.name, SOURCE_TYPE: 'KAFKA', SOURCE_PARTITION_ID: '1', EARLIEST_OFFSET: 0, LATEST_OFFSET: 2000, CURSOR_OFFSET: 1500, SUCCESSFUL_CURSOR_OFFSET: 1000, UPDATED_UNIX_TIMESTAMP: 1764000000 },
      { DATABASE_NAME: 'donations', PIPELINE_NAME: spec.name, SOURCE_TYPE: 'KAFKA', SOURCE_PARTITION_ID: '0', EARLIEST_OFFSET: 0, LATEST_OFFSET: 1800, CURSOR_OFFSET: 1800, SUCCESSFUL_CURSOR_OFFSET: null, UPDATED_UNIX_TIMESTAMP: 1764000000 },
    ]]]);
    const cursors = await new SingleStorePipeline({ db, kafka }, spec).cursors();
    expect(cursors).toEqual([
      { partition: 1, loadedOffset: '1000', latestOffset: '2000', extractedOffset: '1500' },
      // Nothing committed yet on partition 0: loaded is 0, whatever was extracted.
      { partition: 0, loadedOffset: '0', latestOffset: '1800', extractedOffset: '1800' },
    ]);
  });

  it("reads the pipeline's state from PIPELINES, and no state for a pipeline that does not exist", async () => {
    const running = answering([[/PIPELINES/, [{ DATABASE_NAME: 'donations', PIPELINE_NAME: spec.name, CONFIG_JSON: '{}', STATE: 'Running', SKIPPED_BATCH_PARTITIONS: 0 }]]]);
    expect(await new SingleStorePipeline({ db: running, kafka }, spec).status()).toEqual({ name: spec.name, state: 'Running', topic: 'donations', table: 'donation_transactions' });
    expect(await new SingleStorePipeline({ db: answering([]), kafka }, spec).status()).toBeUndefined();
  });
});
