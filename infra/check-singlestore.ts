/**
 * `npm run check:singlestore`: proves the kit on the SingleStore server of DATABASE_URL.
 * First the things the suite needs, each checked alone with a one-line fix (the server, its
 * version, the broker from here and from the server, the privileges); then the SingleStore
 * integration suite (test/integration/singlestore.test.ts, and the campaign ledger's), end to
 * end; then a pass/fail table; then the lessons measured on this server
 * (singlestore-lesson-check.ts). Everything it creates (kit_test_* / kit_check_* databases,
 * kit-test-* topics, pipelines, a user) is removed.
 *
 * --lesson-only: the lesson check alone; --no-lesson: the suite alone; --no-original-flow:
 * the lesson check without the original's whole-table UPDATE per campaign.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KitError,
  SingleStorePipeline,
  SKIP_ALL_ERRORS_SINCE,
  TRACE_PRIVILEGE,
  checkDatabase,
  createKafka,
  createTopic,
  deleteTopics,
  dropDatabase,
  ensureDatabase,
  explainPrivilegeError,
  isKafkaReachable,
  messagesTableDdl,
  openDatabase,
  pipelineBrokersProblem,
  produceLine,
  singlestoreTarget,
  skipErrorsFor,
  targetOf,
  uniqueTopicName,
  SqlError,
  type KitConfig,
} from '@donations/lib';
import { ROOT, loadKitConfig, runScript } from './services.js';
import { runLessonCheck } from './singlestore-lesson-check.js';

const SUITE = ['test/integration/singlestore.test.ts', 'test/integration/campaigns.test.ts'];

interface Check {
  check: string;
  result: string;
}

/** The server, as the suite will find it; throws one line naming what is missing. */
async function preflight(config: KitConfig): Promise<{ version: string; checks: Check[] }> {
  const checks: Check[] = [];
  if (!targetOf(config.database).runsSingleStoreSql) {
    throw new KitError(
      `DATABASE_URL points at ${config.database.target}, not SingleStore: run with DATABASE_URL=singlestore://user:password@host:port/database (in .env or the environment)`,
    );
  }
  const brokers = pipelineBrokersProblem(config);
  if (brokers) throw brokers;
  const where = `${config.database.host}:${config.database.port}`;
  const server = await checkDatabase(config.database, 10_000);
  if (!singlestoreTarget.serverFlavours.includes(server.flavour)) {
    throw new KitError(`DATABASE_URL says singlestore:// but the server at ${where} is ${server.flavour} ${server.version}: point DATABASE_URL at your SingleStore server`);
  }
  checks.push({ check: 'server', result: `SingleStore ${server.version} at ${where}` });
  checks.push(...skipChecks(server.version));

  if (!(await isKafkaReachable(config.kafka, 5_000))) {
    throw new KitError(`Cannot reach Kafka at ${config.kafka.brokers.join(',')} from this machine: start it (\`npm run up\`) or fix KAFKA_BROKERS`);
  }
  checks.push({ check: 'kafka from here', result: config.kafka.brokers.join(',') });

  // A scratch database, topic and pipeline: CREATE DATABASE, CREATE PIPELINE, and the broker as the server sees it.
  const database = `kit_check_${randomBytes(4).toString('hex')}`;
  const kafka = createKafka(config.kafka);
  const topic = uniqueTopicName();
  const settings = { ...config.database, database };
  try {
    await ensureDatabase(settings).catch((error: unknown) => {
      throw explainPrivilegeError(error, 'CREATE', `CREATE DATABASE ${database} (the suite works in scratch databases)`, config.database.user);
    });
    await createTopic(kafka, { topic });
    await produceLine(kafka, topic, 'check');
    const db = openDatabase(settings);
    try {
      await db.execute(messagesTableDdl(singlestoreTarget.name, 'messages').sql);
      const pipeline = new SingleStorePipeline({ db, kafka }, { name: 'kit_check', topic, table: 'messages', format: 'lines' });
      try {
        await pipeline.create();
        const rows = await pipeline.test(1);
        if (rows.length !== 1) throw new KitError(`TEST PIPELINE read ${rows.length} messages of 1 from ${topic}: is the broker at ${config.kafka.pipelineBrokers.join(',')} the one this machine writes to?`);
      } catch (error) {
        throw explainBrokerError(error, config);
      } finally {
        await pipeline.drop().catch(() => undefined);
      }
      checks.push({ check: 'kafka from the server', result: `${config.kafka.pipelineBrokers.join(',')} (${config.kafka.pipelineBrokersFrom})` });
      // The 7.3-8.7 LOAD DATA pages call it unsupported with JSON, the 8.0 Kafka JSON page shows it: ask the server.
      const probe = new SingleStorePipeline({ db, kafka }, { name: 'kit_check_json', topic, table: 'messages', format: 'lines' });
      await db
        .execute(probe.statements.create(true, { skip: 'parser' }).replace(/INTO TABLE `messages`$/, 'INTO TABLE `messages` FORMAT JSON (id <- id)'))
        .then(() => checks.push({ check: 'SKIP PARSER ERRORS with FORMAT JSON', result: 'accepted by CREATE PIPELINE' }))
        .catch((error: unknown) => checks.push({ check: 'SKIP PARSER ERRORS with FORMAT JSON', result: `refused: ${oneLine(error).slice(0, 120)}` }))
        .finally(() => probe.drop().catch(() => undefined));
      checks.push({ check: 'event trace privilege (SHOW GRANTS)', result: tracePrivilegeSeen(await db.query('SHOW GRANTS').catch(() => [])) });
      await db
        .query('SELECT COUNT(*) AS n FROM information_schema.MV_TRACE_EVENTS')
        .then(() => checks.push({ check: 'PROCESS (MV_TRACE_EVENTS)', result: 'granted' }))
        .catch((error: unknown) => checks.push({ check: 'PROCESS (MV_TRACE_EVENTS)', result: oneLine(explainPrivilegeError(error, 'PROCESS', 'reading MV_TRACE_EVENTS', config.database.user)) }));
    } finally {
      await db.close();
    }
  } finally {
    await deleteTopics(kafka, [topic]).catch(() => undefined);
    await dropDatabase(config.database, database).catch(() => undefined);
  }
  return { version: server.version, checks };
}

/** The SKIP clause of each kind of pipeline on this version, and what a bad message does there. */
function skipChecks(version: string): Check[] {
  const since = SKIP_ALL_ERRORS_SINCE.join('.');
  const table = skipErrorsFor(version, 'table');
  const procedure = skipErrorsFor(version, 'procedure');
  return [
    {
      check: 'bad messages, INTO TABLE',
      result:
        table === 'all'
          ? 'SKIP ALL ERRORS (a bad message is recorded, its neighbours load)'
          : `SKIP DUPLICATE KEY ERRORS only (the LOAD DATA pages before ${since} allow no other with JSON): a bad message stops the pipeline (the bad-input tests will fail)`,
    },
    {
      check: 'bad messages, INTO PROCEDURE',
      result:
        procedure === 'parser'
          ? 'SKIP PARSER ERRORS; the procedure records every other bad row in kit_procedure_rejects, its neighbours load'
          : `no SKIP clause before ${since}: the procedure records bad rows, but a message that does not parse stops the pipeline`,
    },
  ];
}

/** Which name of the trace privilege this user's grants show (the docs give two). */
function tracePrivilegeSeen(grants: Record<string, unknown>[]): string {
  const text = grants.map((row) => String(Object.values(row)[0] ?? '')).join('\n');
  // \bALTER TRACE\b does not match ALTER EVENT TRACE: each name is found on its own.
  const names = [TRACE_PRIVILEGE.name, TRACE_PRIVILEGE.alsoNamed, 'ALL PRIVILEGES'].filter((name) => new RegExp(`\\b${name}\\b`, 'i').test(text));
  return names.length ? `granted as ${names.join(', ')}` : `neither ${TRACE_PRIVILEGE.name} nor ${TRACE_PRIVILEGE.alsoNamed} in SHOW GRANTS (lesson 06's trace will be refused)`;
}

/** A pipeline that cannot read the topic, as one line: which address, and what to set. */
function explainBrokerError(error: unknown, config: KitConfig): unknown {
  if (error instanceof SqlError && /ACCESS_DENIED/.test(error.code)) return explainPrivilegeError(error, 'CREATE PIPELINE', 'a pipeline', config.database.user);
  const message = error instanceof Error ? error.message : String(error);
  if (/kafka|broker|metadata|extractor|timed out|timeout/i.test(message)) {
    return new KitError(
      `the SingleStore server cannot read Kafka at ${config.kafka.pipelineBrokers.join(',')} (${message.slice(0, 200)}): set PIPELINE_KAFKA_BROKERS to an address the server reaches ` +
        '(the dev container: kafka:29092; Helios: a broker reachable from the internet, with KAFKA_SSL/KAFKA_SASL_* as it requires)',
      { cause: error },
    );
  }
  return error;
}

function oneLine(value: unknown): string {
  return (value instanceof Error ? value.message : String(value)).split('\n')[0]!;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; assertionResults: { title: string; ancestorTitles: string[]; status: string; duration?: number; failureMessages: string[] }[] }[];
}

function printTable(rows: Record<string, string>[]): void {
  if (!rows.length) return;
  const keys = Object.keys(rows[0]!);
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => (row[key] ?? '').length)));
  const line = (row: Record<string, string>) => keys.map((key, i) => (row[key] ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(Object.fromEntries(keys.map((k) => [k, k]))));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

await runScript(async () => {
  const config = loadKitConfig();
  const args = process.argv.slice(2);
  const lesson = () => runLessonCheck(config, { rows: config.workshop.rows, originalFlow: !args.includes('--no-original-flow') });
  if (args.includes('--lesson-only')) return lesson();
  console.log('check:singlestore: what the suite needs');
  const { version, checks } = await preflight(config);
  printTable(checks.map(({ check, result }) => ({ check, result })));
  console.log(`\nrunning the SingleStore integration suite (${SUITE.join(', ')}) ...\n`);

  const out = mkdtempSync(join(tmpdir(), 'kit-check-'));
  const report = join(out, 'report.json');
  try {
    const run = spawnSync(
      join(ROOT, 'node_modules/.bin/vitest'),
      ['run', '--project', 'integration', ...SUITE, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      { cwd: ROOT, stdio: 'inherit', env: process.env },
    );
    if (!existsSync(report)) throw new KitError(`the suite did not run (vitest exited with ${run.status ?? run.signal}): run \`npx vitest run --project integration ${SUITE[0]}\` to see why`);
    const results = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    const rows = results.testResults.flatMap((file) =>
      file.assertionResults.map((test) => ({
        test: test.title,
        result: test.status === 'passed' ? 'pass' : test.status === 'failed' ? 'FAIL' : test.status,
        ms: String(Math.round(test.duration ?? 0)),
        why: test.failureMessages.length ? oneLine(test.failureMessages[0]).slice(0, 160) : '',
      })),
    );
    console.log(`\nSingleStore ${version} at ${config.database.host}:${config.database.port}`);
    printTable(rows);
    const passed = rows.filter((r) => r.result === 'pass').length;
    const failed = rows.filter((r) => r.result === 'FAIL').length;
    console.log(`\n${passed} passed, ${failed} failed, ${rows.length - passed - failed} skipped`);
    if (failed > 0 || passed === 0) process.exitCode = 1;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (!args.includes('--no-lesson')) await lesson();
});
