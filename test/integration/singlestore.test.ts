// The SingleStore integration suite: every SingleStore statement the kit issues, run end to
// end on a real server and a broker it reaches. Runs when DATABASE_URL points at SingleStore
// (`npm run check:singlestore` runs it and prints a pass/fail table); otherwise each test is
// skipped and the suite's name says why. It works in a scratch database (kit_test_*) and on
// scratch topics (kit-test-*), and removes them, its pipelines and its user at the end.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGGREGATED_TABLE,
  Campaign,
  PROCEDURE_REJECTS_TABLE,
  TOTALS_QUERIES,
  checkTotals,
  setUpTotalsPipeline,
  DASHBOARD_QUERIES,
  DONATIONS_TABLE,
  OPTIMIZED_TABLE,
  SingleStorePipeline,
  bestCityOrganization,
  checkDatabase,
  databasePartitions,
  deleteTopics,
  dropReadOnlyUser,
  ensureCampaignsTable,
  ensureReadOnlyUser,
  loadConfig,
  messagesTableDdl,
  naiveTableDdl,
  openDatabase,
  optimizedTableDdl,
  layoutDdl,
  layout,
  pipelineBrokersProblem,
  produceCampaign,
  produceLine,
  produceMessages,
  profileQuery,
  reconcileCampaign,
  recordProduced,
  setUpDonationsPipeline,
  singleStoreVersion,
  slowQueryEvents,
  startCampaign,
  startSlowQueryTrace,
  stopSlowQueryTrace,
  topicOffsets,
  type DonationEvent,
  type Pipeline,
  type PipelineErrorRecord,
  type ProduceSummary,
} from '@donations/lib';
import { scratch, type Scratch } from './helpers.js';

const onSingleStore = loadConfig().database.target === 'singlestore';
const reason = onSingleStore ? '' : ' (skipped: DATABASE_URL is not a SingleStore database; set singlestore://... to run)';

/** What a summary of produced events records in the ledger (recordProduced reads these fields). */
function summaryOf(campaignId: number, events: readonly DonationEvent[]): ProduceSummary {
  return {
    campaignId,
    topic: '',
    sent: events.length,
    acknowledged: events.length,
    failed: 0,
    amountAcknowledged: events.reduce((sum, e) => sum + e.total_amount, 0),
    firstTransactionId: events[0]?.transaction_id ?? null,
    lastTransactionId: events.at(-1)?.transaction_id ?? null,
    unacknowledged: [],
    elapsedMs: 0,
    eventsPerSecond: 0,
    batchSize: events.length,
    stoppedBy: 'count',
  };
}

/** The keys the JSON mapping gives a DEFAULT: left out of some messages on purpose. */
const OPTIONAL_KEYS = ['latitude', 'longitude', 'organization', 'is_campaign_active'];
const withoutOptionalKeys = (event: DonationEvent) => Object.fromEntries(Object.entries(event).filter(([key]) => !OPTIONAL_KEYS.includes(key)));

const json = (value: unknown) => JSON.stringify(value);

/** The bad-input table of docs/pipeline.md: each kind spoils one event; a message without a usable id is judged by the table's row count. */
const BAD_INPUTS: { kind: string; value: (e: DonationEvent) => string | Buffer | null; hasId: boolean }[] = [
  { kind: 'invalid JSON', value: () => '{"transaction_id": 1,', hasId: false },
  { kind: 'empty value', value: () => '', hasId: false },
  { kind: 'null value (tombstone)', value: () => null, hasId: false },
  { kind: 'bytes that are not UTF-8', value: () => Buffer.from([0xff, 0xfe, 0x00, 0x81]), hasId: false },
  { kind: 'a JSON array', value: () => '[1, 2, 3]', hasId: false },
  { kind: 'no transaction_id', value: (e) => json({ ...e, transaction_id: undefined }), hasId: false },
  { kind: 'no city', value: (e) => json({ ...e, city: undefined }), hasId: true },
  { kind: 'city null', value: (e) => json({ ...e, city: null }), hasId: true },
  { kind: 'amount "lots"', value: (e) => json({ ...e, total_amount: 'lots' }), hasId: true },
  { kind: 'city as an object', value: (e) => json({ ...e, city: { name: 'x' } }), hasId: true },
  { kind: 'is_campaign_active "yes"', value: (e) => json({ ...e, is_campaign_active: 'yes' }), hasId: true },
  { kind: 'amount -5', value: (e) => json({ ...e, total_amount: -5 }), hasId: true },
  { kind: 'amount 1e12', value: (e) => json({ ...e, total_amount: 1e12 }), hasId: true },
  { kind: 'latitude 123', value: (e) => json({ ...e, latitude: 123 }), hasId: true },
  { kind: 'city of 51 characters', value: (e) => json({ ...e, city: 'x'.repeat(51) }), hasId: true },
  { kind: 'date 01/05/2026 10:00', value: (e) => json({ ...e, transaction_date: '01/05/2026 10:00' }), hasId: true },
  { kind: 'date 2026-02-30 10:00:00', value: (e) => json({ ...e, transaction_date: '2026-02-30 10:00:00' }), hasId: true },
  { kind: 'a city not among the 20', value: (e) => json({ ...e, city: 'Atlantis' }), hasId: true },
  { kind: 'unexpected extra fields (100 KB)', value: (e) => json({ ...e, referrer: 'r'.repeat(100_000) }), hasId: true },
];

/** Inputs among the bad ones that every pipeline must load. */
const LOADS_EVERYWHERE = ['a city not among the 20', 'unexpected extra fields (100 KB)'];

/** Each bad input between two good neighbours, all of one campaign. */
function badInputCorpus(probe: Campaign) {
  const neighbours: DonationEvent[] = [];
  const probes: { kind: string; id: number | null; sent: string | null }[] = [];
  const messages: { key: string; value: string | Buffer | null }[] = [];
  for (const { kind, value, hasId } of BAD_INPUTS) {
    const before = probe.next();
    const spoiled = probe.next();
    const sent = value(spoiled);
    neighbours.push(before);
    probes.push({ kind, id: hasId ? spoiled.transaction_id : null, sent: sent === null ? null : String(sent) });
    messages.push({ key: String(before.transaction_id), value: json(before) }, { key: String(spoiled.transaction_id), value: sent });
  }
  const last = probe.next();
  neighbours.push(last);
  messages.push({ key: String(last.transaction_id), value: json(last) });
  return { messages, neighbours, probes, kinds: BAD_INPUTS };
}

/** What each bad message became (loaded as what, or skipped), and the error records naming it: item 4 answered on this server. */
function outcomesOf(probes: ReturnType<typeof badInputCorpus>['probes'], held: Record<string, unknown>[], errors: PipelineErrorRecord[]) {
  return probes.map(({ kind, id, sent }) => {
    const row = id === null ? undefined : held.find((r) => Number(r.transaction_id) === id);
    const named = errors.filter((e) => e.input != null && ((id !== null && e.input.includes(String(id))) || (sent !== null && sent.length > 0 && e.input === sent)));
    return {
      input: kind,
      outcome: id === null ? '(no id: see the row count)' : row ? `loaded as ${JSON.stringify(row).slice(0, 120)}` : 'skipped (not in the table)',
      errors: named.length ? named.map((e) => `${e.kind}: ${e.reason.slice(0, 80)}`).join(' | ') : '(no error row names it)',
    };
  });
}

describe.skipIf(!onSingleStore)(`SingleStore${reason}`, () => {
  let s: Scratch;
  let partitions = 0;
  const pipelines: Pipeline[] = [];
  let naive: Pipeline;
  let optimized: Pipeline;
  let topic = '';
  let campaign: Campaign;
  let loadedEvents = 0;

  beforeAll(async () => {
    s = await scratch();
    partitions = await databasePartitions(s.db);
  });

  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.drop().catch(() => undefined);
    // setUpDonationsPipeline created this topic, not the scratch helper.
    if (topic && s) await deleteTopics(s.kafka, [topic]).catch(() => undefined);
    await s?.cleanup();
  });

  it('names the server: SingleStore, its version, the partitions of a database', async () => {
    const server = await checkDatabase(s.config.database);
    expect(server.flavour).toBe('singlestore');
    const version = await singleStoreVersion(s.db);
    expect(server.version).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(partitions).toBeGreaterThanOrEqual(1);
    console.log(`SingleStore ${version}; a new database has ${partitions} partitions`);
  });

  it('is given brokers the server can reach (PIPELINE_KAFKA_BROKERS)', () => {
    expect(pipelineBrokersProblem(s.config)?.message).toBeUndefined();
  });

  it('creates both schemas and the campaigns table, whose ids are not AUTO_INCREMENT', async () => {
    await ensureCampaignsTable(s.db);
    await s.db.execute(naiveTableDdl('singlestore', DONATIONS_TABLE).sql);
    await s.db.execute(optimizedTableDdl('singlestore', OPTIMIZED_TABLE).sql);
    const tables = (await s.db.query<Record<string, string>>('SHOW TABLES')).map((row) => Object.values(row)[0]);
    expect(tables).toEqual(expect.arrayContaining(['campaigns', DONATIONS_TABLE, OPTIMIZED_TABLE]));
    const [column] = await s.db.query<{ EXTRA: string }>(
      "SELECT EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'campaigns' AND COLUMN_NAME = 'campaign_id'",
    );
    expect(String(column?.EXTRA ?? '').toLowerCase()).not.toContain('auto_increment');
    // The keys as the server holds them (SHOW CREATE TABLE), quotes and spaces aside.
    const [created] = await s.db.query<Record<string, string>>(`SHOW CREATE TABLE ${OPTIMIZED_TABLE}`);
    const ddl = String(Object.values(created ?? {})[1] ?? '').replace(/[`\s]/g, '');
    expect(ddl).toMatch(/SHARDKEY\w*\(city,transaction_id\)/i);
    expect(ddl).toMatch(/SORTKEY\w*\(campaign_id,transaction_date\)/i);
    expect(ddl).toMatch(/PRIMARYKEY\w*\(transaction_id,city\)/i);
    // The original's keys, as it wrote them, for lesson 07's comparison.
    await s.db.execute(layoutDdl('singlestore', 'original-sort-key').sql);
    const [original] = await s.db.query<Record<string, string>>(`SHOW CREATE TABLE ${layout('original-sort-key').table}`);
    expect(String(Object.values(original ?? {})[1] ?? '').replace(/[`\s]/g, '')).toMatch(/SORTKEY\w*\(city,transaction_date\)/i);
  });

  it('gives concurrent campaign starts distinct ids, increasing from 1 (MAX + 1, retried on a duplicate key)', async () => {
    const started = await Promise.all(Array.from({ length: 6 }, (_, i) => startCampaign(s.db, { seed: 500 + i })));
    expect(started.map((c) => c.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('quick start: TEST on a stopped pipeline only, FOREGROUND LIMIT 1 BATCHES, START, STOP', async () => {
    const lines = await s.topic(partitions);
    await s.db.execute(messagesTableDdl('singlestore', 'messages').sql);
    const quick = new SingleStorePipeline(s, { name: 'kafka_msg_consumer', topic: lines, table: 'messages', format: 'lines' });
    pipelines.push(quick);
    await quick.create();
    await produceLine(s.kafka, lines, 'msg0');
    expect(await quick.test(1)).toHaveLength(1);
    expect(await s.db.query('SELECT id FROM messages')).toEqual([]);
    await quick.runForeground(1);
    expect(await s.db.query('SELECT id FROM messages')).toEqual([{ id: 'msg0' }]);
    await quick.start();
    expect((await quick.status())?.state).toBe('Running');
    await expect(quick.test(1)).rejects.toThrow(/is running: TEST PIPELINE needs it stopped/);
    await produceLine(s.kafka, lines, 'msg1');
    await quick.waitUntilCaughtUp({ timeoutMs: 60_000 });
    expect((await s.db.query<{ id: string }>('SELECT id FROM messages ORDER BY id')).map((r) => r.id)).toEqual(['msg0', 'msg1']);
    await quick.stop();
    expect((await quick.status())?.state).not.toBe('Running');
  });

  it('creates the donations topic with a partition for each database partition', async () => {
    topic = `kit-test-donations-${randomBytes(3).toString('hex')}`;
    naive = await setUpDonationsPipeline(s, { topic, table: DONATIONS_TABLE, pipelineName: 'donations_kafka_consumer' });
    pipelines.push(naive);
    expect((await topicOffsets(s.kafka, topic)).length).toBe(partitions);
  });

  it('loads a corpus with duplicates, bad messages and optional keys left out, keeps running, and reconciles exactly', async () => {
    campaign = await startCampaign(s.db, { seed: 7 });
    const bulk = await produceCampaign(s.kafka, { topic, campaign, count: 2_000 });
    expect(bulk.acknowledged).toBe(2_000);
    await recordProduced(s.db, bulk);
    const bare = Array.from({ length: 20 }, () => campaign.next());
    const twin = new Campaign({ id: campaign.id, seed: campaign.seed, cities: campaign.cities });
    const duplicates = Array.from({ length: 50 }, () => twin.next());
    // Another campaign's event: whatever happens to it, it is not counted in this campaign's reconciliation.
    const spare = new Campaign({ id: campaign.id + 1_000, seed: 1 }).next();
    const bad = ['{not json', 'plain text, not JSON', JSON.stringify({ ...spare, transaction_id: undefined }), JSON.stringify({ ...spare, city: undefined })];
    const extras = [
      ...bare.map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(withoutOptionalKeys(e)) })),
      ...bad.map((value) => ({ key: 'bad', value })),
      ...duplicates.map((e) => ({ key: String(e.transaction_id), value: JSON.stringify(e) })),
    ];
    await produceMessages(s.kafka, topic, extras);
    await recordProduced(s.db, summaryOf(campaign.id, bare));
    loadedEvents = 2_020;

    await naive.start();
    await naive.waitUntilCaughtUp({ timeoutMs: 120_000 });
    expect((await naive.status())?.state).toBe('Running');
    const result = await reconcileCampaign(s.db, campaign.id, { table: DONATIONS_TABLE, pipeline: naive });
    expect(result).toMatchObject({ sent: 2_020, held: 2_020, missing: 0, duplicated: 0, unexpected: 0, rejected: bad.length, exact: true });
    const errors = await naive.errors(100);
    expect(errors.map((e) => e.input)).toContain('{not json');

    const stored = await s.db.query<Record<string, unknown>>(
      `SELECT latitude, longitude, organization, is_campaign_active FROM ${DONATIONS_TABLE} WHERE transaction_id BETWEEN ? AND ?`,
      [bare[0]!.transaction_id, bare.at(-1)!.transaction_id],
    );
    expect(stored).toHaveLength(20);
    for (const row of stored) expect(row).toEqual({ latitude: null, longitude: null, organization: null, is_campaign_active: 0 });
  });

  it('replays the topic into the optimized table from the earliest offsets (ALTER PIPELINE ... SET OFFSETS EARLIEST)', async () => {
    optimized = await setUpDonationsPipeline(s, { topic, table: OPTIMIZED_TABLE, schema: 'optimized', pipelineName: 'donations_optimized_consumer' });
    pipelines.push(optimized);
    await optimized.replayFromEarliest();
    await optimized.start();
    await optimized.waitUntilCaughtUp({ timeoutMs: 120_000 });
    await expect(optimized.replayFromEarliest()).rejects.toThrow(/is running/);
    const result = await reconcileCampaign(s.db, campaign.id, { table: OPTIMIZED_TABLE, pipeline: optimized });
    expect(result).toMatchObject({ held: loadedEvents, missing: 0, duplicated: 0, exact: true });
  });

  it('is caught up only once the rows are committed: counting right after the wait sees every row', async () => {
    for (let round = 0; round < 5; round++) {
      const sent = await produceCampaign(s.kafka, { topic, campaign, count: 300 });
      await recordProduced(s.db, sent);
      loadedEvents += sent.acknowledged;
      await naive.waitUntilCaughtUp({ timeoutMs: 60_000 });
      const [row] = await s.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${DONATIONS_TABLE} WHERE campaign_id = ?`, [campaign.id]);
      expect(Number(row!.n), `round ${round}`).toBe(loadedEvents);
    }
    for (const cursor of await naive.cursors()) expect(BigInt(cursor.extractedOffset ?? '0')).toBeGreaterThanOrEqual(BigInt(cursor.loadedOffset));
    await optimized.waitUntilCaughtUp({ timeoutMs: 60_000 });
  });

  it('runs the seven dashboard queries on both tables, with the same answers', async () => {
    const params = { campaignId: campaign.id, windowSeconds: 24 * 3600 };
    const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    for (const query of DASHBOARD_QUERIES) {
      const onNaive = await query.run(s.db, params, DONATIONS_TABLE);
      const onOptimized = await query.run(s.db, params, OPTIMIZED_TABLE);
      expect(onNaive.length, `Q${query.number}`).toBeGreaterThan(0);
      expect(sorted(onOptimized), `Q${query.number}`).toEqual(sorted(onNaive));
    }
  });

  it('skips each bad input of the bad-input table (docs/pipeline.md), records it, and loads its neighbours', async () => {
    const badTopic = await s.topic(partitions);
    const table = 'donations_bad_input';
    await s.db.execute(naiveTableDdl('singlestore', table).sql);
    const probe = await startCampaign(s.db, { seed: 900 });
    const { messages, neighbours, probes, kinds } = badInputCorpus(probe);
    await produceMessages(s.kafka, badTopic, messages);
    const pipeline = new SingleStorePipeline(s, { name: 'donations_bad_input', topic: badTopic, table, format: 'donations-json' });
    pipelines.push(pipeline);
    await pipeline.create();
    await pipeline.start();
    await pipeline.waitUntilCaughtUp({ timeoutMs: 90_000 });
    expect((await pipeline.status())?.state).toBe('Running');
    const held = await s.db.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    const heldIds = new Set(held.map((row) => Number(row.transaction_id)));
    for (const neighbour of neighbours) expect(heldIds.has(neighbour.transaction_id), `neighbour ${neighbour.transaction_id}`).toBe(true);
    for (const kind of LOADS_EVERYWHERE) {
      expect(heldIds.has(probes.find((p) => p.kind === kind)!.id!), kind).toBe(true);
    }
    // What this server did with each, and what it wrote in PIPELINES_ERRORS: the per-target table of docs/pipeline.md comes from this output.
    const errors = await pipeline.errors(200);
    const outcomes = outcomesOf(probes, held, errors);
    const loadedWithId = outcomes.filter((o) => o.outcome.startsWith('loaded')).length;
    const idless = probes.filter((p) => p.id === null).length;
    const idlessLoaded = held.length - neighbours.length - loadedWithId;
    outcomes.push({ input: `the ${idless} messages without an id`, outcome: `${idlessLoaded} loaded, ${idless - idlessLoaded} skipped`, errors: '' });
    console.log('INTO TABLE: what each bad message produced (its row, and the PIPELINES_ERRORS rows naming it)');
    console.table(outcomes);
    console.table(errors.map((e) => ({ kind: e.kind, reason: e.reason.slice(0, 100), input: (e.input ?? '').slice(0, 60) })));
    console.log(`failed batch attempts (PIPELINES_ERRORS rows of type Error): ${await (pipeline as SingleStorePipeline).batchFailures()}`);
    // Nothing without a valid id can become a row; every skipped message is recorded.
    expect(idlessLoaded, 'rows loaded from messages without a valid id').toBe(0);
    const skipped = kinds.length - loadedWithId;
    expect(await pipeline.errorCount(), 'every skipped message has its PIPELINES_ERRORS row (see the two tables above)').toBe(skipped);
  });

  it('profiles a dashboard query on one connection: PROFILE twice, SHOW PROFILE JSON, SHOW PROFILE UI', async () => {
    const profile = await profileQuery(s.db, bestCityOrganization.sql(OPTIMIZED_TABLE), bestCityOrganization.params({ campaignId: campaign.id }));
    expect(typeof JSON.parse(profile.json)).toBe('object');
    if (profile.ui !== null) expect(profile.ui).toMatch(/^https?:\/\//);
    expect(profile.statements[0]).toMatch(/^PROFILE SELECT /);
  });

  it('records a query over 200 ms in MV_TRACE_EVENTS with the Query_completion event trace, then drops the trace', async () => {
    await startSlowQueryTrace(s.db);
    const marker = `kit_trace_probe_${randomBytes(4).toString('hex')}`;
    // A fresh pool: the trace is created before these connections open.
    const fresh = openDatabase(s.config.database);
    try {
      await fresh.query(`SELECT SLEEP(0.4) AS ${marker}`);
    } finally {
      await fresh.close();
    }
    let found = false;
    for (let attempt = 0; attempt < 30 && !found; attempt++) {
      found = (await slowQueryEvents(s.db, { limit: 5, containing: marker })).length > 0;
      if (!found) await new Promise((r) => setTimeout(r, 500));
    }
    await stopSlowQueryTrace(s.db);
    expect(found).toBe(true);
  });

  it("creates Grafana's read-only user: SHOW GRANTS holds SELECT on the database and nothing more", async () => {
    const user = `kit_reader_${randomBytes(4).toString('hex')}`;
    try {
      await ensureReadOnlyUser(s.db, user, randomBytes(12).toString('hex'));
      const grants = (await s.db.query<Record<string, string>>('SHOW GRANTS FOR ?@?', [user, '%'])).map((row) => String(Object.values(row)[0]));
      expect(grants.join('\n')).toMatch(/GRANT SELECT ON `?kit_test_\w+`?\.\*/);
    } finally {
      await dropReadOnlyUser(s.db, user);
    }
  });

  it("keeps lesson 09's totals with a pipeline INTO PROCEDURE: sent twice or bad, nothing is counted, and the totals equal the rows", async () => {
    const totalsTopic = await s.topic(partitions);
    const totalsCampaign = await startCampaign(s.db, { seed: 9 });
    const events = Array.from({ length: 500 }, () => totalsCampaign.next());
    const messages = events.flatMap((e, i) => {
      const one = { key: String(e.transaction_id), value: JSON.stringify(e) };
      return i % 10 === 0 ? [one, one] : [one];
    });
    messages.push({ key: 'bad', value: '{not json' }, { key: 'bad', value: JSON.stringify({ ...events[1], city: undefined }) });
    await produceMessages(s.kafka, totalsTopic, messages);
    const totals = await setUpTotalsPipeline(s, { topic: totalsTopic, name: 'totals_check' });
    pipelines.push(totals);
    await totals.start();
    await totals.waitUntilCaughtUp({ timeoutMs: 120_000 });
    const check = await checkTotals(s.db, AGGREGATED_TABLE, totalsCampaign.id);
    expect(check.differences).toEqual([]);
    expect(check.groups).toMatchObject({ campaign: 1, city: 4 });
    const [count] = await TOTALS_QUERIES[0]!.run(s.db, { campaignId: totalsCampaign.id });
    expect(count).toEqual({ donations: 500 });
    expect(await totals.errorCount()).toBe(2);
  });

  it("sends the bad-input corpus through lesson 09's procedure pipeline: each bad row recorded, every good neighbour loaded, the totals equal the rows", async () => {
    const badTopic = await s.topic(partitions);
    const probe = await startCampaign(s.db, { seed: 901 });
    const { messages, neighbours, probes } = badInputCorpus(probe);
    await produceMessages(s.kafka, badTopic, messages);
    const totals = await setUpTotalsPipeline(s, { topic: badTopic, name: 'totals_bad_input' });
    pipelines.push(totals);
    // The rejects table is the procedure's, shared with the totals test above: count this corpus only.
    await s.db.execute(`TRUNCATE TABLE ${PROCEDURE_REJECTS_TABLE}`);
    await totals.start();
    await totals.waitUntilCaughtUp({ timeoutMs: 90_000 });
    expect((await totals.status())?.state, 'a bad row neither stops the pipeline nor fails its batch').toBe('Running');
    const held = await s.db.query<Record<string, unknown>>(`SELECT * FROM ${AGGREGATED_TABLE} WHERE campaign_id = ?`, [probe.id]);
    const heldIds = new Set(held.map((row) => Number(row.transaction_id)));
    for (const neighbour of neighbours) expect(heldIds.has(neighbour.transaction_id), `neighbour ${neighbour.transaction_id}`).toBe(true);
    for (const kind of LOADS_EVERYWHERE) expect(heldIds.has(probes.find((p) => p.kind === kind)!.id!), kind).toBe(true);
    const check = await checkTotals(s.db, AGGREGATED_TABLE, probe.id);
    expect(check.differences, 'the totals equal the rows').toEqual([]);
    const errors = await totals.errors(200);
    const outcomes = outcomesOf(probes, held, errors);
    console.log('INTO PROCEDURE: what each bad message produced (its row, and the kit_procedure_rejects or PIPELINES_ERRORS rows naming it)');
    console.table(outcomes);
    console.table(await s.db.query(`SELECT reason, COUNT(*) AS n FROM ${PROCEDURE_REJECTS_TABLE} GROUP BY reason ORDER BY reason`));
    const loadedWithId = outcomes.filter((o) => o.outcome.startsWith('loaded')).length;
    // A message without an id cannot join the probe campaign's rows.
    expect(held.length, "the probe campaign's rows").toBe(neighbours.length + loadedWithId);
    expect(await totals.errorCount(), 'every bad message not loaded is counted once, in kit_procedure_rejects or PIPELINES_ERRORS').toBe(probes.length - loadedWithId);
  });

  it('drops its pipelines: none left in the scratch database', async () => {
    for (const pipeline of pipelines.splice(0)) await pipeline.drop();
    expect(await s.db.query('SELECT PIPELINE_NAME FROM information_schema.PIPELINES WHERE DATABASE_NAME = DATABASE()')).toEqual([]);
  });
});
