/**
 * The campaign every lesson from 05 on measures: the one lesson 05 grew the table with
 * last, still collecting. Lessons open with it so that their figures speak of the same rows.
 */
import { latestCampaign } from '../campaigns/ledger.js';
import { DONATIONS_TABLE } from '../database/schema.js';
import { KitError } from '../errors.js';
import type { Lesson } from '../notebook/lesson.js';
import type { Shown } from './screen.js';
import { count } from './verdict.js';

/** Lesson 05's last step, saved for the lessons after it. */
export const NAIVE_GROWTH = 'naive-growth';

export interface SharedCampaign extends Shown {
  campaignId: number;
  /** Rows in the naive table now. */
  tableRows: number;
  /** The campaign's donations now. */
  campaignRows: number;
}

export async function sharedCampaign(lesson: Lesson, table = DONATIONS_TABLE): Promise<SharedCampaign> {
  const latest = await latestCampaign(lesson.db);
  if (!latest) throw new KitError('no campaign yet: run lessons 03 to 05 first (they produce the campaigns this lesson measures)');
  const rows = async (where: string, params: unknown[]) => Number((await lesson.db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}${where}`, params))[0]!.n);
  const tableRows = await rows('', []);
  const campaignRows = await rows(' WHERE campaign_id = ?', [latest.campaignId]);
  return {
    campaignId: latest.campaignId, tableRows, campaignRows,
    blocks: [`${count(tableRows)} rows in ${table}; the campaign the lessons measure: ${latest.campaignId} (${count(campaignRows)} donations)`],
  };
}
