/**
 * `npm run up`: brings up a real Kafka broker and a real database, idempotently, and
 * prints what runs where. Docker compose when an engine answers; otherwise local
 * processes of the current user (Kafka from the locked jars of Maven Central, MariaDB from
 * the installed server).
 */
import { SetupError, checkDatabase, ensureDatabase, ensureReadOnlyUser, ensureTotalsTables, isKafkaReachable, targetOf, openDatabase, GRAFANA_READER_USER, type KitConfig } from '@donations/lib';
import { dockerEngineAvailable, composeServices, composeUp } from './docker.js';
import { startLocalKafka, startLocalMariadb } from './local-services.js';
import { ensureDotEnv, isLocalHost, isProcessAlive, loadKitConfig, readStartedServices, recordStartedService, runScript, splitHostPort } from './services.js';
import { printStatus } from './status.js';
import { unsupportedNodeLine } from './node-version.js';
import { isMainModule } from './cli.js';

type Mode = Exclude<KitConfig['kit']['infra'], 'auto'>;

function chooseMode(config: KitConfig): Mode {
  if (config.kit.infra !== 'auto') return config.kit.infra;
  const kafkaLocal = isLocalHost(splitHostPort(config.kafka.brokers[0]!).host);
  if (!kafkaLocal && !isLocalHost(config.database.host)) return 'external';
  return dockerEngineAvailable() ? 'docker' : 'local';
}

async function databaseAnswers(config: KitConfig): Promise<boolean> {
  try {
    await checkDatabase(config.database, 3_000);
    return true;
  } catch {
    return false;
  }
}

export async function up(options: { quiet: boolean }): Promise<void> {
  const unsupported = unsupportedNodeLine();
  if (unsupported) console.warn(`warning: ${unsupported}`);
  const { created, added } = ensureDotEnv();
  if (created) console.log('wrote .env from .env.example with generated passwords');
  if (added.length > 0) console.log(`added to .env, with generated values: ${added.join(', ')}`);
  const config = loadKitConfig();
  const mode = chooseMode(config);
  const log = (line: string) => options.quiet || console.log(line);

  if (mode === 'docker') {
    log('starting services with docker compose...');
    await composeUp(config);
    for (const service of composeServices(config)) recordStartedService(config, service, { mode: 'docker' });
  }

  if (await isKafkaReachable(config.kafka)) {
    log(`kafka: already answering at ${config.kafka.brokers.join(',')}`);
  } else if (mode === 'local' && isLocalHost(splitHostPort(config.kafka.brokers[0]!).host)) {
    log('kafka: starting a local broker (KRaft, one node)...');
    const pid = await startLocalKafka(config);
    log(`kafka: started (pid ${pid})`);
  } else {
    throw new SetupError(`Kafka does not answer at ${config.kafka.brokers.join(',')}: start it, or fix KAFKA_BROKERS.`);
  }

  if (await databaseAnswers(config)) {
    log(`database: already answering at ${config.database.host}:${config.database.port}`);
  } else if (mode === 'local' && isLocalHost(config.database.host) && targetOf(config.database).startsWithoutDocker) {
    const started = readStartedServices(config).mariadb;
    if (started?.mode === 'local' && isProcessAlive(started.pid)) {
      // Our server runs but refuses the URL's credentials: .env changed since it was set up.
      await checkDatabase(config.database, 3_000);
    }
    log('mariadb: starting the local server...');
    const pid = await startLocalMariadb(config);
    log(`mariadb: started (pid ${pid})`);
  } else {
    // Let the real connection error (refused, wrong password...) speak for itself.
    await checkDatabase(config.database, 5_000);
  }
  await ensureDatabase(config.database);
  {
    // The tables every Grafana panel names, empty until lesson 09 fills them.
    const db = openDatabase(config.database, { connectionLimit: 1 });
    try {
      await ensureTotalsTables(db);
    } finally {
      await db.close();
    }
  }
  if (config.grafana.readerPassword) {
    // The user Grafana's provisioned datasource logs in as: SELECT only.
    const db = openDatabase(config.database, { connectionLimit: 1 });
    try {
      await ensureReadOnlyUser(db, GRAFANA_READER_USER, config.grafana.readerPassword);
    } finally {
      await db.close();
    }
  }

  if (!options.quiet) await printStatus(config);
  else console.log(`services up: kafka ${config.kafka.brokers.join(',')}, ${config.database.target} ${config.database.host}:${config.database.port}`);
}

if (isMainModule(import.meta.url)) {
  await runScript(() => up({ quiet: process.argv.includes('--quiet') }));
}
