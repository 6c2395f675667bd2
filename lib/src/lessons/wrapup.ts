/**
 * Lesson 08's steps: the Grafana dashboard drawn from its JSON on this run's data, beside
 * lesson 07's baseline, and the state the workshop leaves behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcileCampaign, formatReconciliation } from '../campaigns/reconcile.js';
import { DONATIONS_PIPELINE } from '../pipeline/donations.js';
import { DONATIONS_TABLE, MESSAGES_TABLE, OPTIMIZED_TABLE } from '../database/schema.js';
import { repositoryTop } from '../notebook/figures.js';
import { htmlTable } from '../notebook/html.js';
import { renderGrafanaDashboard, type GrafanaDashboardJson } from '../notebook/dashboard-view.js';
import type { Lesson } from '../notebook/lesson.js';
import { createPipeline } from '../pipeline/create.js';
import { baselineOf, OPTIMIZED_PIPELINE, type Baseline } from './layouts.js';
import type { Shown } from './screen.js';
import type { SharedCampaign } from './shared.js';
import { count, ms } from './verdict.js';

/** The dashboard as Grafana provisions it, on one table, with what its drawing took beside the baseline's median. */
export async function drawGrafanaDashboard(lesson: Lesson, shared: SharedCampaign, view: { table: string; key: 'naive' | 'optimized'; label: string }, baseline: Baseline | undefined, jsonPath = join(repositoryTop(), 'grafana', 'dashboards', 'donations.json')): Promise<Shown> {
  const dashboard = JSON.parse(readFileSync(jsonPath, 'utf8')) as GrafanaDashboardJson;
  const drawn = await renderGrafanaDashboard(lesson.db, dashboard, { campaignId: shared.campaignId, table: view.table, label: view.label });
  const slowest = Math.max(...drawn.panels.map((p) => p.ms));
  const measured = baseline ? baselineOf(baseline, view.key).report : undefined;
  const line = `${view.label}: drawing ran the seven panels once, at once, the slowest in ${ms(slowest)}` +
    (measured ? `; lesson 07's baseline, ${measured.refreshes} refreshes of this table, has a median refresh of ${ms(measured.p50Ms)} (one drawing is one refresh: it can land anywhere in that spread).` : '.');
  return { blocks: [{ html: drawn.html }, line] };
}

/** The pipelines stopped, the last campaign in both tables exactly once, the campaigns counted. */
export async function stateLeftBehind(lesson: Lesson, shared: SharedCampaign): Promise<Shown> {
  const specs = [
    { name: DONATIONS_PIPELINE, table: DONATIONS_TABLE, topic: lesson.kafka.topic, format: 'donations-json' as const },
    { name: OPTIMIZED_PIPELINE, table: OPTIMIZED_TABLE, topic: lesson.kafka.topic, format: 'donations-json' as const },
    { name: 'kafka_msg_consumer', table: MESSAGES_TABLE, topic: lesson.testTopic, format: 'lines' as const },
  ];
  const states = [];
  for (const spec of specs) states.push({ pipeline: spec.name, table: spec.table, state: (await createPipeline(lesson, spec).status())?.state ?? 'not created' });
  const lines = [];
  for (const table of [DONATIONS_TABLE, OPTIMIZED_TABLE]) lines.push(formatReconciliation(await reconcileCampaign(lesson.db, shared.campaignId, { table })));
  const [campaigns] = await lesson.db.query<{ n: number; donations: number }>('SELECT COUNT(*) AS n, SUM(events_sent) AS donations FROM campaigns');
  lines.push(`${count(Number(campaigns!.n))} campaigns, ${count(Number(campaigns!.donations))} donations acknowledged by Kafka over the workshop`);
  return { blocks: [{ html: htmlTable(states, { caption: 'Pipelines' }) }, ...lines] };
}
