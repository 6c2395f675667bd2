/**
 * `npm run dashboards`: writes grafana/dashboards/donations.json from lib's queries.
 * `npm run dashboards:check`: regenerates it in memory and fails when the committed file
 * differs, so a query changed in lib cannot leave Grafana showing the old SQL.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { GrafanaError, KitError, describeError } from '@donations/lib';
import { DASHBOARD_JSON_PATH, donationsDashboardJson } from './donations-dashboard.js';

const USAGE = 'usage: npm run dashboards [-- --check]   (--check: fail if grafana/dashboards/donations.json is out of date)';

function main(): void {
  let check = false;
  try {
    const { values } = parseArgs({ options: { check: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: false });
    if (values.help) return console.log(USAGE);
    check = values.check ?? false;
  } catch (error) {
    throw new KitError(`${(error as Error).message}\n${USAGE}`);
  }

  const generated = donationsDashboardJson();
  const file = relative(process.cwd(), DASHBOARD_JSON_PATH);
  const committed = existsSync(DASHBOARD_JSON_PATH) ? readFileSync(DASHBOARD_JSON_PATH, 'utf8') : undefined;
  if (check) {
    if (committed !== generated) {
      throw new GrafanaError(`${file} is ${committed === undefined ? 'missing' : "out of date with lib's queries"}: run \`npm run dashboards\`, read its \`git diff\`, and commit it only if every changed panel was meant to change`);
    }
    return console.log(`${file} is up to date`);
  }
  if (committed === generated) return console.log(`${file} is up to date`);
  mkdirSync(dirname(DASHBOARD_JSON_PATH), { recursive: true });
  writeFileSync(DASHBOARD_JSON_PATH, generated);
  console.log(`wrote ${file}`);
}

try {
  main();
} catch (error) {
  console.error(`error: ${describeError(error)}`);
  process.exitCode = 1;
}
