/**
 * `npm run reset`: empties the kit's topics and databases between two groups, without
 * reinstalling anything. The services keep running.
 */
import { createKafka, createPool, dropDatabase, ensureDatabase, deleteTopics, listTopics, queryRows } from '@donations/lib';
import { loadKitConfig, runScript } from './services.js';

/** Topics the kit creates: the lessons' and the tests' (kit-*). */
export function isKitTopic(topic: string, donationsTopic: string): boolean {
  return topic === donationsTopic || topic === 'test' || topic === 'messages' || topic.startsWith('kit-');
}

export async function reset(): Promise<void> {
  const config = loadKitConfig();
  const kafka = createKafka(config.kafka);
  const topics = (await listTopics(kafka, config.kafka)).filter((t) => isKitTopic(t, config.kafka.topic));
  const deleted = await deleteTopics(kafka, config.kafka, topics);
  console.log(`kafka: deleted ${deleted.length} topic(s)${deleted.length ? `: ${deleted.join(', ')}` : ''}`);

  const pool = createPool(config.database, { database: null, connectionLimit: 1 });
  let databases: string[];
  try {
    const rows = await queryRows<{ name: string }>(
      pool,
      config.database,
      "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ? OR SCHEMA_NAME LIKE 'kit\\_%'",
      [config.database.database],
    );
    databases = rows.map((row) => row.name);
  } finally {
    await pool.end();
  }
  for (const name of databases) await dropDatabase(config.database, name);
  await ensureDatabase(config.database);
  console.log(`database: dropped ${databases.length} database(s)${databases.length ? `: ${databases.join(', ')}` : ''}; ${config.database.database} recreated empty`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runScript(reset);
}
