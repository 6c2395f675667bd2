/**
 * `npm run reset`: empties the kit's topics and databases between two groups, without
 * reinstalling anything. The services keep running.
 */
import { createKafka, deleteTopics, dropDatabase, ensureDatabase, lessonTestTopic, listDatabases, listTopics } from '@donations/lib';
import { loadKitConfig, runScript } from './services.js';
import { isMainModule } from './cli.js';

/** Topics the kit creates: the lessons' (the smoke tests' beside the donations topic too) and the tests' (kit-*). */
export function isKitTopic(topic: string, donationsTopic: string): boolean {
  return topic === donationsTopic || topic === lessonTestTopic(donationsTopic) || topic === 'test' || topic === 'messages' || topic.startsWith('kit-');
}

export async function reset(): Promise<void> {
  const config = loadKitConfig();
  const kafka = createKafka(config.kafka);
  const topics = (await listTopics(kafka)).filter((t) => isKitTopic(t, config.kafka.topic));
  const deleted = await deleteTopics(kafka, topics);
  console.log(`kafka: deleted ${deleted.length} topic(s)${deleted.length ? `: ${deleted.join(', ')}` : ''}`);

  const databases = [config.database.database, ...(await listDatabases(config.database, 'kit\\_%'))];
  for (const name of databases) await dropDatabase(config.database, name);
  await ensureDatabase(config.database);
  console.log(`database: dropped ${databases.length} database(s): ${databases.join(', ')}; ${config.database.database} recreated empty`);
}

if (isMainModule(import.meta.url)) {
  await runScript(reset);
}
