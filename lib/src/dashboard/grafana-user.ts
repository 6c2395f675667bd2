/**
 * The database user Grafana logs in as: SELECT on the kit's database and nothing else,
 * because Grafana runs whatever SQL a panel holds (Grafana's own advice for its MySQL
 * data source). The same statements run on MariaDB and SingleStore.
 */
import type { Database } from '../database/database.js';
import { GrafanaError, KitError } from '../errors.js';
import { assertIdentifier, quoteIdentifier } from '../names.js';

/** The user grafana/provisioning/datasources/datasources.yaml logs in as. */
export const GRAFANA_READER_USER = 'grafana_reader';
/** What .env.example holds until `npm run up` writes a random password over it. */
export const GRAFANA_PASSWORD_PLACEHOLDER = 'change-me-grafana-password';

export interface ReadOnlyUserOptions {
  /** The host part of the account: `%` (any), since Grafana connects from its own container. */
  host?: string;
}

/**
 * Creates the read-only user when missing, sets its password (so that a changed
 * GRAFANA_DB_PASSWORD takes effect), grants SELECT on the configured database, then checks
 * that the account holds nothing more. Values travel as parameters; names are checked.
 */
export async function ensureReadOnlyUser(
  db: Database,
  user: string = GRAFANA_READER_USER,
  password: string,
  options: ReadOnlyUserOptions = {},
): Promise<void> {
  assertIdentifier(user, 'user');
  const host = checkHost(options.host ?? '%');
  if (!password) throw new GrafanaError(`no password for the read-only user ${user}: set GRAFANA_DB_PASSWORD in .env`);
  if (password === GRAFANA_PASSWORD_PLACEHOLDER) {
    throw new GrafanaError('GRAFANA_DB_PASSWORD is still the placeholder of .env.example: put a password of your own in .env');
  }
  const name = db.settings.database;
  const database = quoteIdentifier(name, 'database');
  await executeWithSecret(db, 'CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', [user, host, password]);
  await executeWithSecret(db, 'ALTER USER ?@? IDENTIFIED BY ?', [user, host, password]);
  await db.execute(`GRANT SELECT ON ${database}.* TO ?@?`, [user, host]);
  const extra = await extraPrivileges(db, name, user, host);
  if (extra.length) {
    throw new GrafanaError(
      `user ${user}@${host} holds more than SELECT on ${name} (${extra.join('; ')}): ` +
        `drop it with DROP USER '${user}'@'${host}' and run this again, or pick another user name`,
    );
  }
}

export async function dropReadOnlyUser(db: Database, user: string = GRAFANA_READER_USER, options: ReadOnlyUserOptions = {}): Promise<void> {
  assertIdentifier(user, 'user');
  await db.execute('DROP USER IF EXISTS ?@?', [user, checkHost(options.host ?? '%')]);
}

/** What SHOW GRANTS lists beyond USAGE and SELECT on the kit's database; never the password hash. */
async function extraPrivileges(db: Database, database: string, user: string, host: string): Promise<string[]> {
  const rows = await db.query<Record<string, string>>('SHOW GRANTS FOR ?@?', [user, host]);
  return privilegesBeyondSelect(rows.map((row) => String(Object.values(row)[0] ?? '')), database);
}

/** System schemas hold password hashes and server state: reading them is more than a dashboard needs. */
const SYSTEM_SCHEMAS = new Set(['mysql', 'sys', 'performance_schema', 'information_schema', 'memsql', 'cluster']);

/**
 * SELECT on another database or its tables, such as a second kit checkout's on the same server,
 * keeps the account read-only; SELECT on every database (*.*) or a system schema does not.
 */
function isOtherUserDatabase(target: string): boolean {
  const match = /^([^.*]+)\.[^.]+$/.exec(target);
  return Boolean(match && !SYSTEM_SCHEMAS.has(match[1]!.toLowerCase()));
}

/**
 * The privileges SHOW GRANTS lines hold beyond USAGE, SELECT on `database`.* and SELECT on
 * other user databases (read-only all the same). SingleStore
 * with privilege_transfer_mode = per_privilege prints a second row, `GRANT TRANSFERABLE ...`:
 * the privileges the user may pass on, like WITH GRANT OPTION, so any of them is extra.
 */
export function privilegesBeyondSelect(lines: readonly string[], database: string): string[] {
  const extra: string[] = [];
  for (const line of lines) {
    const grant = /^GRANT (TRANSFERABLE )?(.+?) ON (\S+) TO /i.exec(line);
    if (!grant) {
      extra.push('a role or proxy grant');
      continue;
    }
    const transferable = Boolean(grant[1]);
    const privileges = grant[2]!.split(',').map((p) => p.trim().toUpperCase());
    const target = grant[3]!.replace(/[`'"]/g, '');
    const allowed = privileges.every((p) => p === 'USAGE' || (p === 'SELECT' && (target === `${database}.*` || isOtherUserDatabase(target))));
    if (!allowed) extra.push(`${privileges.join(', ')} ON ${target}`);
    if (transferable && privileges.some((p) => p !== 'USAGE')) extra.push(`TRANSFERABLE ${privileges.join(', ')} ON ${target}`);
    if (/WITH GRANT OPTION/i.test(line)) extra.push(`GRANT OPTION ON ${target}`);
  }
  return extra;
}

function checkHost(host: string): string {
  if (!/^[A-Za-z0-9.%_:-]{1,255}$/.test(host)) throw new GrafanaError(`"${host.slice(0, 80)}" is not a host pattern: use %, an address or a host name`);
  return host;
}

/** mysql2 keeps the statement it formatted, password included, on its error: drop it before anyone logs it. */
async function executeWithSecret(db: Database, sql: string, params: unknown[]): Promise<void> {
  try {
    await db.execute(sql, params);
  } catch (error) {
    const cause = error instanceof KitError ? error.cause : error;
    if (cause && typeof cause === 'object' && 'sql' in cause) delete (cause as { sql?: string }).sql;
    throw error;
  }
}
