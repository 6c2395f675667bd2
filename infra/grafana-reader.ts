/**
 * `npm run grafana:reader`: creates (or updates) grafana_reader, the read-only user the
 * provisioned Grafana data sources log in as, with the password GRAFANA_DB_PASSWORD holds.
 * Run it once the database is up, and again after changing that password.
 */
import { GRAFANA_READER_USER, GrafanaError, ensureReadOnlyUser, openDatabase } from '@donations/lib';
import { flags } from './cli.js';
import { loadKitConfig, runScript } from './services.js';

const USAGE = 'usage: npm run grafana:reader   (creates the read-only user grafana_reader with GRAFANA_DB_PASSWORD from .env)';

await runScript(async () => {
  const args = flags({}, USAGE);
  if (args.help) return console.log(USAGE);
  const config = loadKitConfig();
  const password = config.grafana.readerPassword;
  if (!password) throw new GrafanaError('GRAFANA_DB_PASSWORD is not set: add it to .env (see .env.example), then run this again');
  const db = openDatabase(config.database, { connectionLimit: 1 });
  try {
    await ensureReadOnlyUser(db, GRAFANA_READER_USER, password);
    console.log(`${GRAFANA_READER_USER} may SELECT on ${config.database.database} at ${db.address}, and nothing else`);
  } finally {
    await db.close();
  }
});
