/** Lesson 09's half of every Grafana panel: the same question on the totals, when the Table variable names lesson 09's table. */
import type { GrafanaPanelSource } from '../dashboard/grafana-sql.js';
import { TOTALS_QUERIES } from './queries.js';
import { AGGREGATED_TABLE, ensureTotalsTables } from './tables.js';

export const TOTALS_PANEL_SOURCE: GrafanaPanelSource = {
  // The panels read the totals kept beside this table.
  choice: { text: 'aggregates', value: AGGREGATED_TABLE },
  panelQuery: (query) => TOTALS_QUERIES.find((totals) => totals.key === query.key),
  ensureTables: ensureTotalsTables,
};

/** The sources the kit's dashboard composes beside the row tables. */
export const TOTALS_PANEL_SOURCES: readonly GrafanaPanelSource[] = [TOTALS_PANEL_SOURCE];
