/**
 * Campaigns in the database: one row each, holding what the producer sent. Starting a
 * campaign allocates its id (so transaction ids never collide); ending one updates that
 * row only.
 */
import type { DatabaseConfig } from './config.js';
import { execute, queryRows, type Pool } from './db.js';
import { CITIES, Campaign, ID_BLOCK, createRandom, type City } from './campaign.js';
import { campaignsTableDdl, CAMPAIGNS_TABLE } from './schema.js';
import { KitError } from './errors.js';

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

export async function ensureCampaignsTable(pool: Pool, config: DatabaseConfig): Promise<void> {
  await execute(pool, config, campaignsTableDdl(config.target).sql);
}

/** Starts a new campaign: picks its 4 cities (seeded) and allocates its id. */
export async function startCampaign(pool: Pool, config: DatabaseConfig, options: { seed?: number; startedAt?: Date } = {}): Promise<Campaign> {
  await ensureCampaignsTable(pool, config);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startedAt = options.startedAt ?? new Date();
  // The cities come from the seed alone, so that the same seed gives the same campaign.
  const probe = new Campaign({ id: 1, seed });
  const result = await execute(pool, config, `INSERT INTO ${CAMPAIGNS_TABLE} (cities, seed, started_at) VALUES (?, ?, ?)`, [
    probe.cities.map((c) => c.city).join(','),
    seed,
    startedAt,
  ]);
  const id = Number(result.insertId);
  await execute(pool, config, `UPDATE ${CAMPAIGNS_TABLE} SET first_transaction_id = ? WHERE campaign_id = ?`, [id * ID_BLOCK + 1, id]);
  return new Campaign({ id, seed, cities: probe.cities, startedAt });
}

/** Adds what one producer run got acknowledged to the campaign's tally. */
export async function recordProduced(pool: Pool, config: DatabaseConfig, campaignId: number, tally: { acknowledged: number; amount: number; lastTransactionId: number }): Promise<void> {
  await execute(
    pool,
    config,
    `UPDATE ${CAMPAIGNS_TABLE} SET events_sent = events_sent + ?, amount_sent = amount_sent + ?, last_transaction_id = GREATEST(last_transaction_id, ?) WHERE campaign_id = ?`,
    [tally.acknowledged, tally.amount, tally.lastTransactionId, campaignId],
  );
}

export async function endCampaign(pool: Pool, config: DatabaseConfig, campaignId: number, at = new Date()): Promise<void> {
  await execute(pool, config, `UPDATE ${CAMPAIGNS_TABLE} SET ended_at = ? WHERE campaign_id = ? AND ended_at IS NULL`, [at, campaignId]);
}

export async function getCampaign(pool: Pool, config: DatabaseConfig, campaignId: number): Promise<CampaignRecord | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(pool, config, `SELECT * FROM ${CAMPAIGNS_TABLE} WHERE campaign_id = ?`, [campaignId]);
  return row ? toRecord(row) : undefined;
}

/** The campaign a dashboard shows: the latest one started. */
export async function currentCampaign(pool: Pool, config: DatabaseConfig): Promise<CampaignRecord | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(pool, config, `SELECT * FROM ${CAMPAIGNS_TABLE} ORDER BY campaign_id DESC LIMIT 1`);
  return row ? toRecord(row) : undefined;
}

/** Rebuilds a Campaign to produce more of it: its sequence resumes after the last id sent. */
export async function resumeCampaign(pool: Pool, config: DatabaseConfig, campaignId: number): Promise<Campaign> {
  const record = await getCampaign(pool, config, campaignId);
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
