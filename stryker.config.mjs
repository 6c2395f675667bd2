// Mutation testing (`npm run test:mutation`, not part of `npm test`): Stryker changes the
// pipeline, reconciliation, queries, transform and config modules one mutant at a time and
// runs the unit and integration tests that cover each change; a mutant no test notices
// "survives". Reports go to out/mutation/ (index.html, report.json).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: [
    'lib/src/pipeline/{local,store,lock,writer,transform,statements,pipeline}.ts',
    'lib/src/campaigns/reconcile.ts',
    'lib/src/dashboard/queries.ts',
    'lib/src/config.ts',
  ],
  // Each mutant runs only the tests that reached its code in the first, unmutated run.
  coverageAnalysis: 'perTest',
  // A mutant in code run at module load would need every test for each run: skipped.
  ignoreStatic: true,
  // Two cores: one test run at a time keeps the broker and database timings sane.
  concurrency: 1,
  timeoutMS: 60_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'out/mutation/index.html' },
  jsonReporter: { fileName: 'out/mutation/report.json' },
  incrementalFile: 'out/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 80, low: 70, break: null },
};
