// The dashboard and provisioning files as Grafana would read them; no Grafana server runs here.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { CAMPAIGN_VARIABLE_SQL, DASHBOARD_QUERIES, DEFAULT_DATABASE_NAME, GRAFANA_PASSWORD_PLACEHOLDER, GRAFANA_READER_USER, parseDotEnv, toGrafanaPanelSql, toGrafanaSql } from '@donations/lib';
import { DASHBOARD_JSON_PATH, PANEL_SOURCES, donationsDashboard, donationsDashboardJson } from '../../grafana/donations-dashboard.js';
import type { MySqlQuery } from '../../grafana/mysql-query.js';
import { dotEnvFromExample } from '../../infra/services.js';

interface Datasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  user: string;
  isDefault?: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const { datasources } = parse(read('grafana/provisioning/datasources/datasources.yaml')) as { datasources: Datasource[] };
const { providers } = parse(read('grafana/provisioning/dashboards/dashboards.yaml')) as { providers: { folder: string; type: string; options: { path: string } }[] };
const compose = parse(read('docker-compose.yml')) as { services: Record<string, { environment: Record<string, string>; volumes: string[] }> };
const dashboard = donationsDashboard();
const panels = dashboard.panels as Panel[];

describe('grafana/dashboards/donations.json', () => {
  // The committed JSON is what Grafana provisions. When it differs, find out why before
  // regenerating: a change to lib's queries or the builder shows here, and so does a bug in them.
  it('is what `npm run dashboards` generates from lib (when this fails, read the diff: is the change in the queries intended?)', () => {
    expect(readFileSync(DASHBOARD_JSON_PATH, 'utf8'), 'grafana/dashboards/donations.json differs from what lib generates: read `git diff` after `npm run dashboards`, and commit it only if every changed panel was meant to change (the other tests of this file check what the panels mean)').toBe(donationsDashboardJson());
  });

  it('refreshes every 250 ms over the last 5 minutes', () => {
    expect(dashboard).toMatchObject({ uid: 'donations', title: 'Donations', refresh: '250ms', time: { from: 'now-5m', to: 'now' } });
    expect(dashboard.timepicker?.refresh_intervals).toEqual(expect.arrayContaining(['250ms', '500ms', '1s', '5s']));
  });

  it("runs lib's SQL in every panel, with the campaign and the table as variables and the windows inlined", () => {
    expect(panels.map((p) => p.title)).toEqual(DASHBOARD_QUERIES.map((q) => q.title));
    panels.forEach((panel, index) => {
      const [target, ...others] = panel.targets as unknown as MySqlQuery[];
      expect(others).toHaveLength(0);
      expect(target).toMatchObject({ refId: 'A', rawSql: toGrafanaPanelSql(DASHBOARD_QUERIES[index]!, PANEL_SOURCES), format: 'table', rawQuery: true, editorMode: 'code' });
      expect(target!.rawSql).toContain('campaign_id = $campaign');
    });
    // Written out once: the count on the rows, or on the totals when $table names them.
    expect((panels[0]!.targets as unknown as MySqlQuery[])[0]!.rawSql).toBe(
      "SELECT * FROM (\nSELECT COUNT(*) AS donations\nFROM `${table}`\nWHERE campaign_id = $campaign AND NOT '${table}' = 'donation_transactions_aggregated'\n" +
        "HAVING NOT '${table}' = 'donation_transactions_aggregated'\nUNION ALL\nSELECT COALESCE(SUM(donations), 0) AS donations\nFROM donation_totals_campaign\n" +
        "WHERE campaign_id = $campaign AND '${table}' = 'donation_transactions_aggregated'\nHAVING '${table}' = 'donation_transactions_aggregated'\n) AS panel",
    );
  });

  it('translates any query with toGrafanaSql, on a named table too', () => {
    expect(toGrafanaSql(DASHBOARD_QUERIES[6]!, 'donation_transactions_optimized')).toBe(
      'SELECT organization, SUM(total_amount) AS total_donation_amount\nFROM `donation_transactions_optimized`\nWHERE campaign_id = $campaign\n' +
        '  AND transaction_date > UTC_TIMESTAMP() - INTERVAL 28 SECOND\nGROUP BY organization\nORDER BY organization ASC',
    );
  });

  it('draws stats, a table, a map with markers sized by amount, and bar charts', () => {
    expect(panels.map((p) => p.type)).toEqual(['stat', 'stat', 'table', 'geomap', 'barchart', 'barchart', 'barchart']);
    const [markers] = panels[3]!.options.layers;
    expect(markers).toMatchObject({ type: 'markers', location: { mode: 'coords', latitude: 'latitude', longitude: 'longitude' } });
    expect(markers.config.style.size.field).toBe('total_donation_amount');
    expect(panels.slice(4).map((p) => p.options.xField)).toEqual(['organization', 'city', 'organization']);
  });

  it('lets the viewer pick the database, the campaign (the latest by default) and the table (naive, optimized, or the totals)', () => {
    const [database, campaign, table] = dashboard.templating.list!;
    expect(database).toMatchObject({ type: 'datasource', name: 'datasource', query: 'mysql' });
    expect(campaign).toMatchObject({ type: 'query', name: 'campaign', query: CAMPAIGN_VARIABLE_SQL, datasource: { type: 'mysql', uid: '${datasource}' } });
    expect(CAMPAIGN_VARIABLE_SQL).toBe('SELECT campaign_id FROM campaigns ORDER BY (ended_at IS NULL) DESC, started_at DESC, campaign_id DESC');
    expect(table).toMatchObject({
      type: 'custom',
      name: 'table',
      query: 'naive : donation_transactions, optimized : donation_transactions_optimized, aggregates : donation_transactions_aggregated',
      current: { text: 'naive', value: 'donation_transactions' },
    });
    for (const panel of panels) expect((panel.targets![0] as unknown as { rawSql: string }).rawSql).toContain('FROM `${table}`');
    // No current value: Grafana selects the first choice, the latest campaign.
    expect(campaign!.current).toBeUndefined();
    for (const panel of panels) expect(panel.datasource).toEqual({ type: 'mysql', uid: '${datasource}' });
  });
});

describe('grafana/provisioning', () => {
  it('provisions MariaDB and SingleStore as MySQL data sources, read-only, password from the environment', () => {
    expect(datasources.map((d) => [d.uid, d.type, d.url])).toEqual([
      ['donations-mariadb', 'mysql', 'mariadb:3306'],
      ['donations-singlestore', 'mysql', 'singlestore:3306'],
    ]);
    for (const source of datasources) {
      expect(source.user).toBe(GRAFANA_READER_USER);
      expect(source.jsonData.database).toBe(DEFAULT_DATABASE_NAME);
      expect(source.jsonData.timezone).toBe('+00:00');
      expect(source.secureJsonData.password).toBe('$GRAFANA_DB_PASSWORD');
    }
    expect(datasources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(['donations-mariadb']);
  });

  it('verifies SingleStore over TLS with the CA the environment gives, and connects in clear without one', () => {
    // Grafana's MySQL data source adds TLS only when the CA parses: an empty one means no TLS.
    const singlestore = datasources.find((d) => d.uid === 'donations-singlestore')!;
    expect(singlestore.jsonData).toMatchObject({ tlsAuthWithCACert: true, tlsSkipVerify: false, tlsAuth: false });
    expect(singlestore.secureJsonData.tlsCACert).toBe('$GRAFANA_SINGLESTORE_CA_CERT');
    expect(compose.services.grafana!.environment.GRAFANA_SINGLESTORE_CA_CERT).toBe('${GRAFANA_SINGLESTORE_CA_CERT:-}');
  });

  it("offers both data sources in the dashboard's Database variable", () => {
    const [database] = dashboard.templating.list!;
    const pattern = new RegExp(String(database!.regex).replace(/^\/|\/$/g, ''));
    expect(datasources.every((d) => pattern.test(d.name))).toBe(true);
    expect(datasources.map((d) => d.uid)).toContain(database!.current!.value);
  });

  it('loads the dashboards folder compose mounts, into the workshop folder', () => {
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', folder: 'Donations workshop', options: { path: '/var/lib/grafana/dashboards' } });
    expect(compose.services.grafana!.volumes).toContain(`./grafana/dashboards:${providers[0]!.options.path}:ro`);
  });

  it('takes the reader password from .env, where .env.example holds the placeholder `npm run up` replaces', () => {
    expect(compose.services.grafana!.environment.GRAFANA_DB_PASSWORD).toMatch(/^\$\{GRAFANA_DB_PASSWORD:\?/);
    expect(parseDotEnv(read('.env.example')).GRAFANA_DB_PASSWORD).toBe(GRAFANA_PASSWORD_PLACEHOLDER);
    const written = parseDotEnv(dotEnvFromExample(read('.env.example'))).GRAFANA_DB_PASSWORD;
    expect(written).toMatch(/^[0-9a-f]{24}$/);
  });
});
