// Bad configuration given to the presenter CLIs: each run ends within 10 s with one line
// naming the problem, no stack trace, no password, and no SQL smuggled in through a name.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_DB_PORT, faultEnv, runKitScript } from './fault-services.js';
import { useFaultDatabase } from './fault-database.js';

const { config, db } = useFaultDatabase(1);
const CANARY = 'kit_canary';

beforeAll(async () => {
  await db.execute(`CREATE TABLE IF NOT EXISTS ${CANARY} (id INT PRIMARY KEY)`);
});

afterAll(async () => {
  // Names carrying SQL were refused, not run: the canary is still there.
  const rows = await db.query('SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [config.database.database, CANARY]);
  expect(rows).toHaveLength(1);
});

const wrongPassword = `wrong-${randomBytes(6).toString('hex')}`;
const saslPassword = `sasl-${randomBytes(6).toString('hex')}`;
const goodUrl = new URL(faultEnv().DATABASE_URL!);
const url = (change: (u: URL) => void) => {
  const u = new URL(goodUrl);
  change(u);
  return u.toString();
};

interface BadSetting {
  name: string;
  env?: Record<string, string>;
  script: string;
  args?: string[];
  /** What the one line must say. */
  says: RegExp;
}

const CASES: BadSetting[] = [
  { name: 'DATABASE_URL missing', env: { DATABASE_URL: '' }, script: 'infra/reconcile.ts', says: /^error: DATABASE_URL: is not set\./ },
  { name: 'DATABASE_URL not a URL', env: { DATABASE_URL: 'kit@localhost/donations' }, script: 'infra/reconcile.ts', says: /^error: DATABASE_URL: is not a URL\./ },
  { name: 'DATABASE_URL of another database kind', env: { DATABASE_URL: url((u) => (u.protocol = 'postgres:')) }, script: 'infra/reconcile.ts', says: /DATABASE_URL: scheme "postgres:\/\/" is not supported/ },
  { name: 'database name carrying SQL', env: { DATABASE_URL: url((u) => (u.pathname = `/x\`; DROP TABLE ${CANARY}; --`)) }, script: 'infra/reconcile.ts', says: /DATABASE_URL: database name .* is not a plain identifier/ },
  { name: 'KAFKA_BROKERS without a port', env: { KAFKA_BROKERS: 'localhost' }, script: 'infra/produce.ts', args: ['--count', '10'], says: /KAFKA_BROKERS: "localhost" is not host:port/ },
  { name: 'KAFKA_RETENTION_MS not a number', env: { KAFKA_RETENTION_MS: 'one day' }, script: 'infra/produce.ts', args: ['--count', '10'], says: /KAFKA_RETENTION_MS: "one day" is not a whole number/ },
  { name: 'KAFKA_SASL_MECHANISM unknown', env: { KAFKA_SASL_MECHANISM: 'kerberos' }, script: 'infra/produce.ts', args: ['--count', '10'], says: /KAFKA_SASL_MECHANISM: "kerberos" is not supported/ },
  { name: 'DATABASE_TLS unknown', env: { DATABASE_TLS: 'maybe' }, script: 'infra/reconcile.ts', says: /DATABASE_TLS: "maybe" is not a TLS mode/ },
  { name: 'topic name carrying SQL', env: { KAFKA_TOPIC: `donations'; DROP TABLE ${CANARY}; --` }, script: 'infra/produce.ts', args: ['--count', '10'], says: /KAFKA_TOPIC: .* is not a valid topic name/ },
  { name: 'table name carrying SQL', script: 'infra/pipeline.ts', args: ['--status', '--table', `donations; DROP TABLE ${CANARY}`], says: /Invalid table name "donations; DROP TABLE kit_canary"/ },
  { name: 'a count that is not a number', script: 'infra/produce.ts', args: ['--count', 'lots'], says: /--count: "lots" is not a count \(examples: 50000, 50k, 2m for two million\)/ },
  { name: 'KIT_INFRA=docker without a Docker engine', env: { KIT_INFRA: 'docker' }, script: 'infra/up.ts', says: /Docker: (no docker command here|the docker command is here but no engine answers)\. .*or set KIT_INFRA=local in \.env\./ },
  { name: 'KIT_INFRA unknown', env: { KIT_INFRA: 'kubernetes' }, script: 'infra/up.ts', says: /KIT_INFRA: "kubernetes" is not a mode\. Set it to auto, local, docker or external/ },
  { name: 'a duration without a unit', script: 'infra/produce.ts', args: ['--duration', '60'], says: /--duration: "60" is not a duration: give a unit \(examples: 500ms, 30s, 2m, 1h\)/ },
  { name: 'unreachable database', env: { DATABASE_URL: url((u) => (u.port = String(FAULT_DB_PORT + 93))) }, script: 'infra/reconcile.ts', says: /Cannot reach the database at 127\.0\.0\.1:13399.*npm run up/ },
  { name: 'wrong database password', env: { DATABASE_URL: url((u) => (u.password = wrongPassword)) }, script: 'infra/reconcile.ts', says: /refused user 'kit'.*check the user and password in DATABASE_URL/ },
  { name: 'unreachable broker', env: { KAFKA_BROKERS: '127.0.0.1:19099' }, script: 'infra/produce.ts', args: ['--count', '10'], says: /Cannot reach Kafka at 127\.0\.0\.1:19099/ },
  {
    name: 'SASL against a broker without SASL',
    env: { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'kit', KAFKA_SASL_PASSWORD: saslPassword },
    script: 'infra/produce.ts',
    args: ['--count', '10'],
    says: /Kafka at 127\.0\.0\.1:19092 refused the SASL login: check KAFKA_SASL_MECHANISM/,
  },
];

describe('faults: bad configuration', () => {
  it.each(CASES)('$name: one line naming the problem, within 10 s', async ({ env, script, args, says }) => {
    const result = await runKitScript(script, args, { env: faultEnv(env), timeoutMs: 20_000 });
    const output = `${result.stdout}\n${result.stderr}`;
    const errorLines = result.stderr.trim().split('\n');
    expect(result.code, output).toBe(1);
    expect(errorLines, output).toHaveLength(1);
    expect(errorLines[0]).toMatch(/^error: /);
    expect(errorLines[0]).toMatch(says);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    for (const secret of [db.settings.password, wrongPassword, saslPassword]) expect(output).not.toContain(secret);
    expect(result.ms).toBeLessThan(10_000);
  });
});
