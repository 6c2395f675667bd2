/**
 * The campaign ledger: one row per campaign in the database, holding what the producer
 * got acknowledged. Starting a campaign allocates its id (so transaction ids never
 * collide); ending one updates that row only, where the original rewrote
 * is_campaign_active over the whole donations table.
 *
 * Ids are small and increasing, allocated as MAX + 1 and inserted explicitly, on both
 * targets: SingleStore's AUTO_INCREMENT "only guarantees that automatically-generated values
 * are unique" (not small, not increasing, not from 1), and "an AUTO_INCREMENT column in a
 * distributed table must be a BIGINT"; the generator needs ids up to MAX_CAMPAIGN_ID. The
 * primary key settles two starts at once: the loser gets a duplicate key and retries.
 */
import type { DatabaseTarget } from '../config.js';
import type { Database } from '../database/database.js';
import type { DdlStatement } from '../database/schema.js';
import { KitError, SqlError } from '../errors.js';
import { targetNamed } from '../targets/index.js';
import type { ProduceSummary } from '../kafka/producer.js';
import { CITIES, Campaign, ID_BLOCK, MAX_CAMPAIGN_ID, createRandom, type City } from './generator.js';

export const CAMPAIGNS_TABLE = 'campaigns';

export interface CampaignRecord {
  campaignId: number;
  cities: string[];
  seed: number;
  startedAt: Date;
  endedAt: Date | null;
  eventsSent: number;
  amountSent: number;
  firstTransactionId: number;
  lastTransactionId: number;
}

export function campaignsTableDdl(target: DatabaseTarget): DdlStatement {
  return {
    // DATETIME(6): "SingleStore supports DATETIME type only with precision 0 and 6".
    purpose: 'campaigns: one row each, with what the producer sent (for reconciliation)',
    sql: targetNamed(target).tableDdl({
      name: CAMPAIGNS_TABLE,
      columns: [
        'campaign_id INT NOT NULL',
        'cities VARCHAR(255) NOT NULL',
        'seed BIGINT NOT NULL',
        'started_at DATETIME(6) NOT NULL',
        'ended_at DATETIME(6) NULL',
        'events_sent BIGINT NOT NULL DEFAULT 0',
        'amount_sent DECIMAL(18, 2) NOT NULL DEFAULT 0',
        'first_transaction_id BIGINT NOT NULL DEFAULT 0',
        'last_transaction_id BIGINT NOT NULL DEFAULT 0',
      ],
      keys: ['PRIMARY KEY (campaign_id)'],
      charset: 'utf8mb4',
    }),
  };
}

export async function ensureCampaignsTable(db: Database): Promise<void> {
  await db.execute(campaignsTableDdl(db.target).sql);
}

/** How many times startCampaign re-reads MAX + 1 when another start took that id first. */
export const CAMPAIGN_ID_ATTEMPTS = 25;

export const NEXT_CAMPAIGN_ID_SQL = `SELECT COALESCE(MAX(campaign_id), 0) + 1 AS next_id FROM ${CAMPAIGNS_TABLE}`;
export const INSERT_CAMPAIGN_SQL = `INSERT INTO ${CAMPAIGNS_TABLE} (campaign_id, cities, seed, started_at, first_transaction_id) VALUES (?, ?, ?, ?, ?)`;

/** Starts a new campaign: picks its 4 cities (seeded) and allocates its id, the next after the largest. */
export async function startCampaign(db: Database, options: { seed?: number; startedAt?: Date } = {}): Promise<Campaign> {
  await ensureCampaignsTable(db);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startedAt = options.startedAt ?? new Date();
  // The cities come from the seed alone, so that the same seed gives the same campaign.
  const probe = new Campaign({ id: 1, seed });
  const cities = probe.cities.map((c) => c.city).join(',');
  for (let attempt = 1; ; attempt++) {
    const [row] = await db.query<{ next_id: number | string }>(NEXT_CAMPAIGN_ID_SQL);
    const id = Number(row?.next_id ?? 1);
    if (id > MAX_CAMPAIGN_ID) {
      throw new KitError(`campaign ids are used up: the next would be ${id}, above ${MAX_CAMPAIGN_ID} (transaction ids must stay below 2^53): drop the campaigns table with \`npm run reset\``);
    }
    try {
      await db.execute(INSERT_CAMPAIGN_SQL, [id, cities, seed, startedAt, id * ID_BLOCK + 1]);
      return new Campaign({ id, seed, cities: probe.cities, startedAt });
    } catch (error) {
      if (!(error instanceof SqlError && error.code === 'ER_DUP_ENTRY')) throw error;
      if (attempt >= CAMPAIGN_ID_ATTEMPTS) {
        throw new KitError(`no campaign id after ${attempt} attempts: other campaigns took each next id first; start this one again`, { cause: error });
      }
      // Another start took this id: read the next one, a little later than the others.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

/** Adds what one producer run got acknowledged to its campaign's tally. */
export async function recordProduced(db: Database, summary: ProduceSummary): Promise<void> {
  if (summary.lastTransactionId === null) return;
  await db.execute(
    `UPDATE ${CAMPAIGNS_TABLE} SET events_sent = events_sent + ?, amount_sent = amount_sent + ?, last_transaction_id = GREATEST(last_transaction_id, ?) WHERE campaign_id = ?`,
    [summary.acknowledged, summary.amountAcknowledged, summary.lastTransactionId, summary.campaignId],
  );
}

export async function endCampaign(db: Database, campaignId: number, at = new Date()): Promise<void> {
  await db.execute(`UPDATE ${CAMPAIGNS_TABLE} SET ended_at = ? WHERE campaign_id = ? AND ended_at IS NULL`, [at, campaignId]);
}

export async function getCampaign(db: Database, campaignId: number): Promise<CampaignRecord | undefined> {
  const [row] = await db.query(`SELECT * FROM ${CAMPAIGNS_TABLE} WHERE campaign_id = ?`, [campaignId]);
  return row ? toRecord(row) : undefined;
}

export const LATEST_CAMPAIGN_SQL = `SELECT * FROM ${CAMPAIGNS_TABLE} ORDER BY (ended_at IS NULL) DESC, started_at DESC, campaign_id DESC LIMIT 1`;

/**
 * The campaign a dashboard shows: the one still collecting that started last (by its start
 * time, not its id: a campaign recorded as history may start in the past); when every
 * campaign has ended, the last one started.
 */
export async function latestCampaign(db: Database): Promise<CampaignRecord | undefined> {
  const [row] = await db.query(LATEST_CAMPAIGN_SQL);
  return row ? toRecord(row) : undefined;
}

/** Rebuilds a Campaign to produce more of it: its sequence resumes after the last id sent. */
export async function resumeCampaign(db: Database, campaignId: number): Promise<Campaign> {
  const record = await getCampaign(db, campaignId);
  if (!record) throw new KitError(`campaign ${campaignId} does not exist: start one with startCampaign() or \`npm run produce\``);
  const cities = record.cities.map((name) => CITIES.find((c) => c.city === name)).filter((c): c is City => !!c);
  const sequence = record.lastTransactionId ? record.lastTransactionId - campaignId * ID_BLOCK : 0;
  return new Campaign({ id: campaignId, seed: record.seed, cities, startedAt: record.startedAt, firstSequence: sequence + 1, random: createRandom(record.seed + sequence) });
}

function toRecord(row: Record<string, unknown>): CampaignRecord {
  return {
    campaignId: Number(row.campaign_id),
    cities: String(row.cities).split(','),
    seed: Number(row.seed),
    startedAt: row.started_at as Date,
    endedAt: (row.ended_at as Date | null) ?? null,
    eventsSent: Number(row.events_sent),
    amountSent: Number(row.amount_sent),
    firstTransactionId: Number(row.first_transaction_id),
    lastTransactionId: Number(row.last_transaction_id),
  };
}
