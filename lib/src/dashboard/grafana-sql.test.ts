import { describe, expect, it } from 'vitest';
import { GrafanaError } from '../errors.js';
import { expandGrafanaSql, toGrafanaSql } from './grafana-sql.js';
import { DASHBOARD_QUERIES, donationCount, recentAmountPerCity, recentAmountPerOrganization, type DashboardQuery } from './queries.js';

const range = { from: new Date('2025-03-01T10:00:00Z'), to: new Date('2025-03-01T10:05:00Z') };
const FROM = 1740823200;
const TO = FROM + 300;

describe('toGrafanaSql', () => {
  it('puts $campaign where each query takes the campaign id', () => {
    for (const query of DASHBOARD_QUERIES) {
      const sql = toGrafanaSql(query);
      expect(sql).toContain('WHERE campaign_id = $campaign');
      expect(sql).not.toContain('?');
    }
  });

  it("inlines the windows from the queries' default parameters", () => {
    expect(toGrafanaSql(recentAmountPerCity)).toContain('transaction_date > UTC_TIMESTAMP() - INTERVAL 35 SECOND');
    expect(toGrafanaSql(recentAmountPerOrganization)).toContain('transaction_date > UTC_TIMESTAMP() - INTERVAL 28 SECOND');
  });

  it('changes only the placeholders of the SQL lib runs', () => {
    for (const query of DASHBOARD_QUERIES) {
      const params = query.params({ campaignId: 42 });
      let index = 0;
      expect(toGrafanaSql(query).replaceAll('$campaign', '42').replaceAll('${table}', 'donation_transactions')).toBe(query.sql().replace(/\?/g, () => String(params[index++])));
    }
  });

  it('names the table like lib does', () => {
    expect(toGrafanaSql(donationCount, 'donation_transactions_optimized')).toContain('FROM `donation_transactions_optimized`');
  });

  it('refuses a query whose parameters do not match its placeholders, or cannot be inlined', () => {
    const broken: DashboardQuery = { ...donationCount, params: (p) => [p.campaignId, 1] };
    expect(() => toGrafanaSql(broken)).toThrow(GrafanaError);
    expect(() => toGrafanaSql(broken)).toThrow(/1 placeholders but 2 parameters/);
    const textual: DashboardQuery = { ...recentAmountPerCity, params: (p) => [p.campaignId, 'Paris'] };
    expect(() => toGrafanaSql(textual)).toThrow(/cannot inline/);
  });
});

describe('expandGrafanaSql', () => {
  const expand = (sql: string, variables: Record<string, string | number> = { campaign: 7 }) => expandGrafanaSql(sql, { variables, timeRange: range });

  it('replaces variables in the three syntaxes Grafana reads', () => {
    expect(expand('WHERE campaign_id = $campaign')).toBe('WHERE campaign_id = 7');
    expect(expand('WHERE campaign_id = ${campaign}')).toBe('WHERE campaign_id = 7');
    expect(expand('WHERE campaign_id = ${campaign:raw}')).toBe('WHERE campaign_id = 7');
    expect(expand('WHERE campaign_id = [[campaign]]')).toBe('WHERE campaign_id = 7');
  });

  it('doubles quotes in a text value, as the MySQL data source does for one value', () => {
    expect(expand("WHERE city = '$city'", { city: "L'Haÿ" })).toBe("WHERE city = 'L''Haÿ'");
  });

  it('expands the time macros to UTC epoch seconds', () => {
    expect(expand('WHERE $__timeFilter(transaction_date)')).toBe(`WHERE transaction_date BETWEEN FROM_UNIXTIME(${FROM}) AND FROM_UNIXTIME(${TO})`);
    expect(expand('WHERE t >= $__timeFrom() AND t < $__timeTo()')).toBe(`WHERE t >= FROM_UNIXTIME(${FROM}) AND t < FROM_UNIXTIME(${TO})`);
    expect(expand('WHERE $__timeFilter( t ) AND campaign_id = $campaign')).toBe(`WHERE t BETWEEN FROM_UNIXTIME(${FROM}) AND FROM_UNIXTIME(${TO}) AND campaign_id = 7`);
  });

  it('starts a range before 1970 from the epoch, like Grafana', () => {
    const sql = expandGrafanaSql('$__timeFilter(t)', { variables: {}, timeRange: { from: new Date(-10_000), to: new Date(5_000) } });
    expect(sql).toBe('t BETWEEN DATE_ADD(FROM_UNIXTIME(0), INTERVAL -10 SECOND) AND FROM_UNIXTIME(5)');
  });

  it('says which variable or macro it does not know', () => {
    expect(() => expand('WHERE campaign_id = $campaing')).toThrow(/\$campaing, which is not a dashboard variable here/);
    expect(() => expand('SELECT $__timeGroup(t, 1m)')).toThrow(/\$__timeGroup\(\) is not expanded by the kit/);
    expect(() => expand('WHERE $__timeFilter()')).toThrow(/needs a column/);
  });

  it('turns every panel of the dashboard into plain SQL', () => {
    for (const query of DASHBOARD_QUERIES) {
      expect(expand(toGrafanaSql(query), { campaign: 7, table: 'donation_transactions_optimized' })).not.toMatch(/\$|\?/);
      expect(expand(toGrafanaSql(query), { campaign: 7, table: 'donation_transactions_optimized' })).toContain('FROM `donation_transactions_optimized`');
    }
  });
});
