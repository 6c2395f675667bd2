/**
 * The campaign ledger: one row per campaign in the database, holding what the producer
 * got acknowledged. Starting a campaign allocates its id (so transaction ids never
 * collide); ending one updates that row only, where the original rewrote
 * is_campaign_active over the whole donations table.
 */
import type { DatabaseTarget } from '../config.js';
import type { Database } from '../database/database.js';
import type { DdlStatement } from '../database/schema.js';
import { KitError } from '../errors.js';
import type { ProduceSummary } from '../kafka/producer.js';
import { CITIES, Campaign, ID_BLOCK, createRandom, type City } from './generator.js';

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
    purpose: 'campaigns: one row each, with what the producer sent (for reconciliation)',
    sql: `CREATE TABLE IF NOT EXISTS ${CAMPAIGNS_TABLE} (
    campaign_id INT NOT NULL AUTO_INCREMENT,
    cities VARCHAR(255) NOT NULL,
    seed BIGINT NOT NULL,
    started_at DATETIME(3) NOT NULL,
    ended_at DATETIME(3) NULL,
    events_sent BIGINT NOT NULL DEFAULT 0,
    amount_sent DECIMAL(18, 2) NOT NULL DEFAULT 0,
    first_transaction_id BIGINT NOT NULL DEFAULT 0,
    last_transaction_id BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id)
)${target === 'mariadb' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4' : ''}`,
  };
}

export async function ensureCampaignsTable(db: Database): Promise<void> {
  await db.execute(campaignsTableDdl(db.target).sql);
}

/** Starts a new campaign: picks its 4 cities (seeded) and allocates its id. */
export async function startCampaign(db: Database, options: { seed?: number; startedAt?: Date } = {}): Promise<Campaign> {
  await ensureCampaignsTable(db);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startedAt = options.startedAt ?? new Date();
  // The cities come from the seed alone, so that the same seed gives the same campaign.
  const probe = new Campaign({ id: 1, seed });
  const result = await db.execute(`INSERT INTO ${CAMPAIGNS_TABLE} (cities, seed, started_at) VALUES (?, ?, ?)`, [probe.cities.map((c) => c.city).join(','), seed, startedAt]);
  const id = Number(result.insertId);
  await db.execute(`UPDATE ${CAMPAIGNS_TABLE} SET first_transaction_id = ? WHERE campaign_id = ?`, [id * ID_BLOCK + 1, id]);
  return new Campaign({ id, seed, cities: probe.cities, startedAt });
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

/** The campaign a dashboard shows: the latest one started. */
export async function latestCampaign(db: Database): Promise<CampaignRecord | undefined> {
  const [row] = await db.query(`SELECT * FROM ${CAMPAIGNS_TABLE} ORDER BY campaign_id DESC LIMIT 1`);
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
