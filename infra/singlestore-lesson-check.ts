/**
 * The lessons measured on SingleStore, part of `npm run check:singlestore`: the naive table
 * and the kit's layout filled with the same campaigns, in arrival order as the workshop fills
 * them (campaign after campaign, ids and dates growing), the dashboard measured on both as
 * lessons 05 and 07 measure it (measureSideBySide: the layouts take turns), then the costs the
 * arrival order does not remove: the original's `is_campaign_active = 1` after a whole-table
 * UPDATE at each campaign start, and a per-city view across campaigns. The rows are generated
 * in the server (INSERT ... SELECT from a numbers table), in a scratch database it drops.
 */
import { randomBytes } from 'node:crypto';
import {
  CITIES,
  DASHBOARD_QUERIES,
  DONATION_COLUMN_NAMES,
  ID_BLOCK,
  ORGANIZATIONS,
  clausesSql,
  dropDatabase,
  ensureDatabase,
  layoutDdl,
  measureSideBySide,
  openDatabase,
  profileQuery,
  upperFigure,
  type DashboardQuery,
  type Database,
  type KitConfig,
  type Measured,
} from '@donations/lib';

/** The workshop's scale: lesson 05 grows the table to WORKSHOP_ROWS in campaigns of 5% of it. */
export interface LessonScale {
  rows: number;
  campaigns: number;
  donationsPerCampaign: number;
  /** Seconds each campaign's dates span: the last ends now, so queries 6 and 7 see its last seconds. */
  campaignSeconds: number;
}

export const CAMPAIGN_SECONDS = 600;

export function lessonScale(targetRows: number, campaignSeconds = CAMPAIGN_SECONDS): LessonScale {
  const donationsPerCampaign = Math.max(1_000, Math.round(targetRows * 0.05));
  const campaigns = Math.max(2, Math.ceil(targetRows / donationsPerCampaign));
  return { rows: campaigns * donationsPerCampaign, campaigns, donationsPerCampaign, campaignSeconds };
}

export function describeScale(scale: LessonScale): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return (
    `${n(scale.campaigns)} campaigns of ${n(scale.donationsPerCampaign)} donations = ${n(scale.rows)} rows, inserted campaign after campaign ` +
    `(ids and dates growing, ${scale.campaignSeconds} s of dates each, the last ending now), generated in the server by INSERT ... SELECT`
  );
}

export interface PlannedCampaign {
  id: number;
  /** Its 4 cities, indexes into CITIES. */
  cities: readonly number[];
  /** UTC 'YYYY-MM-DD HH:MM:SS' of its first donation. */
  start: string;
}

const utc = (date: Date) => date.toISOString().slice(0, 19).replace('T', ' ');

/** Campaign 1 to N, one after another, the last ending at `now`; each picks 4 distinct cities. */
export function planCampaigns(scale: LessonScale, now: Date): PlannedCampaign[] {
  return Array.from({ length: scale.campaigns }, (_, i) => ({
    id: i + 1,
    cities: [0, 1, 2, 3].map((k) => ((i + 1) * 7 + k * 5) % CITIES.length),
    start: utc(new Date(now.getTime() - (scale.campaigns - i) * scale.campaignSeconds * 1000)),
  }));
}

export const NUMBERS_TABLE = 'kit_lesson_numbers';

/** 0 .. count-1, doubled in the server: one statement per power of two. */
export function numbersSql(count: number): string[] {
  const statements = [`CREATE TABLE IF NOT EXISTS ${NUMBERS_TABLE} (n BIGINT NOT NULL, SHARD KEY (n))`, `INSERT INTO ${NUMBERS_TABLE} VALUES (0)`];
  for (let size = 1; size < count; size *= 2) statements.push(`INSERT INTO ${NUMBERS_TABLE} SELECT n + ${size} FROM ${NUMBERS_TABLE} WHERE n + ${size} < ${count}`);
  return statements;
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const caseOf = (expr: string, values: readonly (string | number)[]) =>
  `CASE ${expr} ${values.map((v, i) => `WHEN ${i} THEN ${typeof v === 'number' ? v : literal(v)}`).join(' ')} END`;

/** One campaign's donations, generated from the numbers table: 4 cities, 4 organizations, whole euros 1 to 10. */
export function campaignInsertSql(table: string, campaign: PlannedCampaign, scale: LessonScale, active: 0 | 1 = 0): string {
  const cities = campaign.cities.map((i) => CITIES[i]!);
  const columns = [
    `${campaign.id * ID_BLOCK} + n + 1`,
    caseOf('n % 4', cities.map((c) => c.city)),
    caseOf('n % 4', cities.map((c) => c.latitude)),
    caseOf('n % 4', cities.map((c) => c.longitude)),
    caseOf('FLOOR(n / 4) % 4', ORGANIZATIONS),
    `DATE_ADD(${literal(campaign.start)}, INTERVAL FLOOR(n * ${scale.campaignSeconds} / ${scale.donationsPerCampaign}) SECOND)`,
    '1 + (n * 7) % 10',
    String(campaign.id),
    String(active),
  ];
  return `INSERT INTO ${table} (${DONATION_COLUMN_NAMES.join(', ')})\nSELECT ${columns.join(',\n       ')}\nFROM ${NUMBERS_TABLE} WHERE n < ${scale.donationsPerCampaign}`;
}

/** The original's flow: at each campaign start, every row of the table is marked inactive. */
export const originalCampaignStartSql = (table: string) => `UPDATE ${table} SET is_campaign_active = 0`;

/** A dashboard query as the original wrote it: the current campaign is `is_campaign_active = 1`, not an id. */
export function activeCampaignQuery(query: DashboardQuery): DashboardQuery {
  if (!query.clauses) throw new Error(`query ${query.number} has no clauses`);
  const clauses = (table?: string) => {
    const c = query.clauses!(table);
    return { ...c, where: c.where?.map((w) => (w === 'campaign_id = ?' ? 'is_campaign_active = 1' : w)) };
  };
  const sql = (table?: string) => clausesSql(clauses(table));
  const params = (p: Parameters<DashboardQuery['params']>[0]) => query.params(p).slice(1);
  return { ...query, key: `${query.key}_active`, sql, clauses, params, run: (db, p, table) => db.query(sql(table), params(p)) };
}

/** A view no key orders: one city's donations across every campaign. */
export function cityAcrossCampaignsQuery(city: string): DashboardQuery {
  const sql = (table = 'donation_transactions') =>
    `SELECT campaign_id, COUNT(*) AS donations, SUM(total_amount) AS total_donation_amount FROM ${table} WHERE city = ? GROUP BY campaign_id ORDER BY campaign_id`;
  return {
    number: 8,
    key: 'city_across_campaigns',
    title: `${city} across campaigns`,
    panel: 'table',
    columns: ['campaign_id', 'donations', 'total_donation_amount'],
    sql,
    params: () => [city],
    run: (db, _p, table) => db.query(sql(table), [city]),
  };
}

/** Numbers under keys that name segments, summed by key, anywhere in a SHOW PROFILE JSON (their names are not documented one by one). */
export function segmentFigures(profileJson: string): Record<string, number> {
  const found: Record<string, number> = {};
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const number = typeof inner === 'number' ? inner : typeof inner === 'string' && /^\d+$/.test(inner) ? Number(inner) : NaN;
        if (/segment/i.test(key) && Number.isFinite(number)) found[key] = (found[key] ?? 0) + number;
        else walk(inner);
      }
    }
  };
  try {
    walk(JSON.parse(profileJson));
  } catch {
    return {};
  }
  return found;
}

export const LESSON_TABLES = { naive: 'lesson_naive', kit: 'lesson_kit', originalFlow: 'lesson_original_flow' } as const;

export interface LessonCheckOptions {
  rows: number;
  budgetMs?: number;
  /** Skip the original's whole-table UPDATE at each campaign start (it rewrites the table N times). */
  originalFlow?: boolean;
  log?: (line: string) => void;
  table?: (rows: Record<string, string>[]) => void;
}

const ms = (x: number) => `${Math.round(x * 10) / 10} ms`;

function refreshRows(measured: readonly Measured[]): Record<string, string>[] {
  return measured.map((m) => {
    const upper = upperFigure(m.report);
    return {
      layout: m.label,
      refreshes: String(m.report.refreshes),
      median: ms(m.report.p50Ms),
      [upper.label.startsWith('slowest') ? 'slowest' : 'p95']: ms(upper.ms),
      'over budget': `${m.report.late} of ${m.report.expected}`,
      'per panel (median)': m.report.perPanel.map((p) => `Q${p.number} ${Math.round(p.p50Ms)}`).join(', '),
    };
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Fills the tables, measures, prints; drops its scratch database. */
export async function runLessonCheck(config: KitConfig, options: LessonCheckOptions): Promise<void> {
  const log = options.log ?? console.log;
  const show = options.table ?? console.table;
  const budgetMs = options.budgetMs ?? 250;
  const scale = lessonScale(options.rows);
  const database = `kit_check_lesson_${randomBytes(4).toString('hex')}`;
  const settings = { ...config.database, database };
  log(`\nthe lessons measured on SingleStore: ${describeScale(scale)} (database ${database}, dropped at the end)`);
  await ensureDatabase(settings);
  const db = openDatabase(settings);
  try {
    await fill(db, scale, options, log);
    const last = scale.campaigns;
    const contenders = [
      { key: 'naive', label: 'naive (no SHARD KEY: the primary key shards; no SORT KEY: arrival order)', table: LESSON_TABLES.naive },
      { key: 'kit', label: "kit's layout (SORT KEY (campaign_id, transaction_date))", table: LESSON_TABLES.kit },
      ...(options.originalFlow === false
        ? []
        : [{ key: 'original-flow', label: "naive, the original's flow: is_campaign_active = 1 after a whole-table UPDATE per campaign", table: LESSON_TABLES.originalFlow, queries: DASHBOARD_QUERIES.map(activeCampaignQuery) }]),
    ];
    log(`\nthe dashboard on campaign ${last} (the newest), the seven panels, layouts taking turns (lesson 07's way), budget ${budgetMs} ms:`);
    show(refreshRows(await measureSideBySide(db, contenders, { campaignId: last, budgetMs, onProgress: () => undefined })));

    const city = CITIES[planCampaigns(scale, new Date())[last - 1]!.cities[0]!]!.city;
    const cityView = cityAcrossCampaignsQuery(city);
    log(`\na per-city view no key orders (${cityView.sql('t').replace(' t ', ' <table> ')}), taking turns:`);
    show(refreshRows(await measureSideBySide(db, contenders.slice(0, 2).map((c) => ({ ...c, queries: [cityView] })), { campaignId: last, budgetMs, onProgress: () => undefined })));

    log('\nsegments in SHOW PROFILE JSON for query 1 (keys naming segments, summed; none shown: this server names none):');
    for (const c of contenders.slice(0, 2)) {
      const query = DASHBOARD_QUERIES[0]!;
      const profile = await profileQuery(db, query.sql(c.table), query.params({ campaignId: last }));
      log(`  ${c.key}: ${JSON.stringify(segmentFigures(profile.json))}`);
    }
  } finally {
    await db.close();
    await dropDatabase(config.database, database).catch(() => undefined);
  }
}

async function fill(db: Database, scale: LessonScale, options: LessonCheckOptions, log: (line: string) => void): Promise<void> {
  for (const sql of numbersSql(scale.donationsPerCampaign)) await db.execute(sql);
  await db.execute(layoutDdl('singlestore', 'naive', LESSON_TABLES.naive).sql);
  await db.execute(layoutDdl('singlestore', 'optimized', LESSON_TABLES.kit).sql);
  if (options.originalFlow !== false) await db.execute(layoutDdl('singlestore', 'naive', LESSON_TABLES.originalFlow).sql);
  const updates: number[] = [];
  let insertMs = 0;
  for (const campaign of planCampaigns(scale, new Date())) {
    insertMs += await timed(() => db.execute(campaignInsertSql(LESSON_TABLES.naive, campaign, scale)));
    insertMs += await timed(() => db.execute(campaignInsertSql(LESSON_TABLES.kit, campaign, scale)));
    if (options.originalFlow !== false) {
      updates.push(await timed(() => db.execute(originalCampaignStartSql(LESSON_TABLES.originalFlow))));
      await db.execute(campaignInsertSql(LESSON_TABLES.originalFlow, campaign, scale, 1));
    }
  }
  log(`filled in ${Math.round(insertMs / 1000)} s (naive and kit's layout, campaign by campaign)`);
  if (updates.length) {
    const total = updates.reduce((a, b) => a + b, 0);
    log(
      `the original's UPDATE ... SET is_campaign_active = 0 at each campaign start: first ${ms(updates[1] ?? updates[0]!)}, last ${ms(updates.at(-1)!)} ` +
        `(on ${(scale.rows - scale.donationsPerCampaign).toLocaleString('en-US')} rows), ${Math.round(total / 1000)} s in all: it grows with the table`,
    );
  }
}
