// The SingleStore-only statements, pinned: docs/singlestore.md names the page each follows.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { KitError, SqlError } from '../errors.js';
import { openDatabase } from '../database/database.js';
import { SINGLESTORE_SQL, TRACE_PRIVILEGE, databasePartitions, explainPrivilegeError, profileQuery, startSlowQueryTrace } from './singlestore-server.js';

describe('SingleStore statements', () => {
  it('reads the engine version from @@memsql_version (@@version answers a MySQL version)', () => {
    expect(SINGLESTORE_SQL.version).toBe('SELECT @@memsql_version AS version');
  });

  it("counts a database's partitions with SHOW PARTITIONS ON (SHOW PARTITIONS)", () => {
    expect(SINGLESTORE_SQL.partitions('donations')).toBe('SHOW PARTITIONS ON `donations`');
    expect(() => SINGLESTORE_SQL.partitions('x; DROP DATABASE y')).toThrow(/Invalid database name/);
  });

  it('profiles with PROFILE, then SHOW PROFILE JSON and SHOW PROFILE UI (PROFILE, SHOW PROFILE)', () => {
    expect(SINGLESTORE_SQL.profile('SELECT 1')).toBe('PROFILE SELECT 1');
    expect(SINGLESTORE_SQL.showProfileJson).toBe('SHOW PROFILE JSON');
    expect(SINGLESTORE_SQL.showProfileUi).toBe('SHOW PROFILE UI');
  });

  it('traces queries over 200 ms with the Query_completion event trace, read from MV_TRACE_EVENTS (Trace Event Commands)', () => {
    expect(SINGLESTORE_SQL.createTrace()).toBe('CREATE EVENT TRACE Query_completion WITH (Query_text = on, Duration_threshold_ms = 200)');
    expect(SINGLESTORE_SQL.createTrace(50)).toBe('CREATE EVENT TRACE Query_completion WITH (Query_text = on, Duration_threshold_ms = 50)');
    expect(SINGLESTORE_SQL.dropTrace).toBe('DROP EVENT TRACE Query_completion');
    expect(SINGLESTORE_SQL.traceEvents).toBe("SELECT TIME, DETAILS FROM information_schema.MV_TRACE_EVENTS WHERE EVENT_TYPE = 'Query_completion' ORDER BY TIME DESC LIMIT ?");
    // "setting its value to 0 will ... impair the cluster's performance"
    expect(() => SINGLESTORE_SQL.createTrace(0)).toThrow(/1 or more/);
  });

  it('turns a privilege error into one line naming the privilege and the GRANT', () => {
    const denied = new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need (at least one of) the ALTER TRACE privilege(s) for this operation', '');
    const explained = explainPrivilegeError(denied, 'ALTER TRACE', 'CREATE EVENT TRACE', 'kit');
    expect(explained).toBeInstanceOf(KitError);
    expect((explained as Error).message).toBe(
      "CREATE EVENT TRACE needs the ALTER TRACE privilege, which user 'kit' lacks: as an admin, GRANT ALTER TRACE ON *.* TO 'kit'@'%' (on Helios, connect as the workspace's admin user)",
    );
    const other = new SqlError('ER_PARSE_ERROR', 'syntax', '');
    expect(explainPrivilegeError(other, 'PROCESS', 'x', 'kit')).toBe(other);
  });

  it('names both names of the trace privilege, as the docs give both', () => {
    const denied = new SqlError('ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied', '');
    expect(TRACE_PRIVILEGE).toEqual({ name: 'ALTER TRACE', alsoNamed: 'ALTER EVENT TRACE' });
    expect((explainPrivilegeError(denied, TRACE_PRIVILEGE.name, 'CREATE EVENT TRACE', 'kit', TRACE_PRIVILEGE.alsoNamed) as Error).message).toBe(
      "CREATE EVENT TRACE needs the ALTER TRACE privilege (named ALTER EVENT TRACE on some SingleStore pages), which user 'kit' lacks: " +
        "as an admin, GRANT ALTER TRACE ON *.* TO 'kit'@'%' (or GRANT ALTER EVENT TRACE ON *.* TO 'kit'@'%' if the server knows it by that name) (on Helios, connect as the workspace's admin user)",
    );
  });

  it('refuses, in one line, to run SingleStore-only statements on MariaDB', async () => {
    const db = openDatabase(loadConfig({ DATABASE_URL: 'mysql://kit:pw@127.0.0.1:1/donations' }).database);
    await expect(profileQuery(db, 'SELECT 1')).rejects.toThrow(/^PROFILE exists only on SingleStore: DATABASE_URL points at mariadb$/);
    await expect(startSlowQueryTrace(db)).rejects.toThrow(/^CREATE EVENT TRACE exists only on SingleStore/);
    await expect(databasePartitions(db)).rejects.toThrow(/^SHOW PARTITIONS exists only on SingleStore/);
  });
});
