// The lesson check of `npm run check:singlestore`: its scale and the SQL it runs, pinned (it runs only on a SingleStore server).
import { describe, expect, it } from 'vitest';
import { DASHBOARD_QUERIES } from '@donations/lib';
import {
  activeCampaignQuery,
  campaignInsertSql,
  cityAcrossCampaignsQuery,
  describeScale,
  lessonScale,
  numbersSql,
  originalCampaignStartSql,
  planCampaigns,
  segmentFigures,
} from '../../infra/singlestore-lesson-check.js';

describe('the lesson check on SingleStore', () => {
  it("fills the table as lesson 05 does: WORKSHOP_ROWS in campaigns of 5% of it, at least 1,000 donations and 2 campaigns", () => {
    expect(lessonScale(2_000_000)).toEqual({ rows: 2_000_000, campaigns: 20, donationsPerCampaign: 100_000, campaignSeconds: 600 });
    expect(lessonScale(3_000_000)).toMatchObject({ rows: 3_000_000, campaigns: 20, donationsPerCampaign: 150_000 });
    expect(lessonScale(10_000)).toMatchObject({ rows: 10_000, campaigns: 10, donationsPerCampaign: 1_000 });
    expect(lessonScale(1_000)).toMatchObject({ rows: 2_000, campaigns: 2, donationsPerCampaign: 1_000 });
    expect(describeScale(lessonScale(2_000_000))).toBe(
      '20 campaigns of 100,000 donations = 2,000,000 rows, inserted campaign after campaign (ids and dates growing, 600 s of dates each, the last ending now), generated in the server by INSERT ... SELECT',
    );
  });

  it('plans campaigns one after another, the last ending now, each with 4 distinct cities', () => {
    const plan = planCampaigns(lessonScale(2_000_000), new Date('2026-05-01T12:00:00Z'));
    expect(plan).toHaveLength(20);
    expect(plan[0]).toEqual({ id: 1, cities: [7, 12, 17, 2], start: '2026-05-01 08:40:00' });
    expect(plan.at(-1)).toEqual({ id: 20, cities: [0, 5, 10, 15], start: '2026-05-01 11:50:00' });
    for (const c of plan) expect(new Set(c.cities).size).toBe(4);
  });

  it('builds its numbers in the server by doubling', () => {
    expect(numbersSql(5)).toEqual([
      'CREATE TABLE IF NOT EXISTS kit_lesson_numbers (n BIGINT NOT NULL, SHARD KEY (n))',
      'INSERT INTO kit_lesson_numbers VALUES (0)',
      'INSERT INTO kit_lesson_numbers SELECT n + 1 FROM kit_lesson_numbers WHERE n + 1 < 5',
      'INSERT INTO kit_lesson_numbers SELECT n + 2 FROM kit_lesson_numbers WHERE n + 2 < 5',
      'INSERT INTO kit_lesson_numbers SELECT n + 4 FROM kit_lesson_numbers WHERE n + 4 < 5',
    ]);
    expect(numbersSql(100_000)).toHaveLength(2 + 17);
  });

  it("generates a campaign's donations: its ids, 4 cities with their coordinates, 4 organizations, dates over its span, 1 to 10 euros", () => {
    const scale = lessonScale(2_000_000);
    const [first] = planCampaigns(scale, new Date('2026-05-01T12:00:00Z'));
    expect(campaignInsertSql('lesson_naive', first!, scale)).toBe(
      'INSERT INTO lesson_naive (transaction_id, city, latitude, longitude, organization, transaction_date, total_amount, campaign_id, is_campaign_active)\n' +
        'SELECT 1000000000 + n + 1,\n' +
        "       CASE n % 4 WHEN 0 THEN 'Nîmes' WHEN 1 THEN 'Versailles' WHEN 2 THEN 'Clermont-Ferrand' WHEN 3 THEN 'Béziers' END,\n" +
        '       CASE n % 4 WHEN 0 THEN 43.8367 WHEN 1 THEN 48.8014 WHEN 2 THEN 45.7772 WHEN 3 THEN 43.3442 END,\n' +
        '       CASE n % 4 WHEN 0 THEN 4.3601 WHEN 1 THEN 2.1301 WHEN 2 THEN 3.087 WHEN 3 THEN 3.215 END,\n' +
        "       CASE FLOOR(n / 4) % 4 WHEN 0 THEN 'SmileFund' WHEN 1 THEN 'WarmHearts' WHEN 2 THEN 'PureJoy' WHEN 3 THEN 'SunriseAid' END,\n" +
        "       DATE_ADD('2026-05-01 08:40:00', INTERVAL FLOOR(n * 600 / 100000) SECOND),\n" +
        '       1 + (n * 7) % 10,\n' +
        '       1,\n' +
        '       0\n' +
        'FROM kit_lesson_numbers WHERE n < 100000',
    );
    expect(campaignInsertSql('lesson_original_flow', first!, scale, 1)).toMatch(/\n {7}1,\n {7}1\nFROM/);
  });

  it("runs the original's flow: a whole-table UPDATE at each campaign start, and its panels on is_campaign_active = 1", () => {
    expect(originalCampaignStartSql('lesson_original_flow')).toBe('UPDATE lesson_original_flow SET is_campaign_active = 0');
    const [count, , , , , recentPerCity] = DASHBOARD_QUERIES.map(activeCampaignQuery);
    expect(count!.sql('lesson_original_flow')).toBe('SELECT COUNT(*) AS donations\nFROM `lesson_original_flow`\nWHERE is_campaign_active = 1');
    expect(count!.params({ campaignId: 20 })).toEqual([]);
    expect(recentPerCity!.sql('t')).toContain('WHERE is_campaign_active = 1\n  AND transaction_date > UTC_TIMESTAMP() - INTERVAL ? SECOND');
    expect(recentPerCity!.params({ campaignId: 20 })).toEqual([35]);
  });

  it('measures a per-city view across campaigns, which no key of either layout orders', () => {
    const view = cityAcrossCampaignsQuery('Tours');
    expect(view.sql('lesson_kit')).toBe('SELECT campaign_id, COUNT(*) AS donations, SUM(total_amount) AS total_donation_amount FROM lesson_kit WHERE city = ? GROUP BY campaign_id ORDER BY campaign_id');
    expect(view.params({ campaignId: 1 })).toEqual(['Tours']);
  });

  it('reads the numbers a profile gives under keys naming segments, wherever they are', () => {
    const json = JSON.stringify({ profile: [{ segments_scanned: 3, inputs: [{ segments_skipped: '5', other: 1 }] }, { segments_scanned: 2 }] });
    expect(segmentFigures(json)).toEqual({ segments_scanned: 5, segments_skipped: 5 });
    expect(segmentFigures('not json')).toEqual({});
  });
});
