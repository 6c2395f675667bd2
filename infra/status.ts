/** `npm run status`: what runs where, and how to connect to it. No passwords are printed. */
import { checkDatabase, isKafkaReachable, loadConfig, targetOf, type KitConfig } from '@donations/lib';
import { dockerEngineAvailable } from './docker.js';
import { isPortOpen, isProcessAlive, loadKitConfig, printTable, readStartedServices, runScript, type ServiceState, type StatusRow } from './services.js';
import { isMainModule } from './cli.js';

function who(state: ServiceState | undefined): string {
  if (!state) return 'not started by the kit';
  if (state.mode === 'docker') return 'docker compose';
  return state.pid && isProcessAlive(state.pid) ? `local process, pid ${state.pid}` : 'local process (not running)';
}

export async function printStatus(config: KitConfig = loadConfig()): Promise<void> {
  const started = readStartedServices(config);
  const rows: StatusRow[] = [];
  const brokers = config.kafka.brokers.join(',');
  const kafkaUp = await isKafkaReachable(config.kafka);
  rows.push({ service: 'kafka', address: brokers, state: `${kafkaUp ? 'running' : 'down'} (${who(started.kafka)})`, connect: `kcat -b ${brokers} -L` });

  const db = config.database;
  const dbService = targetOf(db).service;
  let dbState = 'down';
  try {
    const { version, flavour } = await checkDatabase(db, 3_000);
    dbState = `running ${flavour} ${version}`;
  } catch (error) {
    dbState = (await isPortOpen(db.host, db.port)) ? `answering but refused: ${(error as Error).message.split(':')[0]}` : 'down';
  }
  rows.push({
    service: dbService,
    address: `${db.host}:${db.port}/${db.database}`,
    state: `${dbState} (${who(started[dbService])})`,
    connect: `mariadb -h ${db.host} -P ${db.port} -u ${db.user} -p ${db.database}   (password: DATABASE_URL in .env)`,
  });

  const grafanaUp = await isPortOpen('127.0.0.1', 3000);
  rows.push({
    service: 'grafana',
    address: 'http://127.0.0.1:3000',
    state: grafanaUp ? 'running' : dockerEngineAvailable() ? 'down' : 'not run here (needs Docker; the notebooks show the live view)',
    connect: 'browser, user admin (GRAFANA_ADMIN_PASSWORD)',
  });
  printTable(rows);
  if (config.unknownVariables.length) console.log(`\nnote: unknown kit settings (typos?): ${config.unknownVariables.join(', ')}`);
}

if (isMainModule(import.meta.url)) {
  await runScript(() => printStatus(loadKitConfig()));
}
