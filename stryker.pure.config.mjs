// Mutation testing, part 2 of 2: the settings, the message transform and the SingleStore
// statements, which the unit tests cover alone. Kept apart from part 1 because every
// integration test reads the settings while it sets up: there, each settings mutant would
// run the whole integration suite.
import { shared } from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...shared,
  vitest: { configFile: 'vitest.mutation-unit.config.ts', related: false },
  // The settings, the message transform, SingleStore's statements, the donation generator and Grafana's SQL.
  mutate: ['lib/src/{config,settings}.ts', 'lib/src/pipeline/transform.ts', 'lib/src/targets/singlestore-statements.ts', 'lib/src/campaigns/generator.ts', 'lib/src/dashboard/grafana-sql.ts'],
  htmlReporter: { fileName: 'out/mutation/pure/index.html' },
  jsonReporter: { fileName: 'out/mutation/pure/report.json' },
  incrementalFile: 'out/mutation/pure/incremental.json',
  // Its own sandbox folder: the two parts can run at once.
  tempDirName: '.stryker-tmp-pure',
};
