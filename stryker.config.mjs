// Mutation testing, part 1 of 2 (`npm run test:mutation`, not part of `npm test`): Stryker
// changes the local pipeline, reconciliation and the dashboard queries one mutant at a time,
// and runs the unit and integration tests (real Kafka and MariaDB) that reached the changed
// code in a first, unmutated run; a mutant no test notices "survives".
// Part 2, stryker.pure.config.mjs, does the modules the unit tests cover alone.
// Reports: out/mutation/<part>/index.html and report.json.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export const shared = {
  testRunner: 'vitest',
  // Each mutant runs only the tests that reached its code in the first run.
  coverageAnalysis: 'perTest',
  // A mutant in code run at module load would need every test for each run: left out.
  ignoreStatic: true,
  // Two runners: the tests wait on the broker and the database much of the time. On a
  // machine busy with other work, `--concurrency 1` keeps the tests' timings sane.
  concurrency: 2,
  // A mutant that stops the pipeline makes a test wait for rows that never come: after the
  // tests' own time twice over plus 20 s, it counts as detected (timed out).
  timeoutMS: 20_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: service state, outputs, the notebooks.
  ignorePatterns: ['/.kit', '/out', '/.stryker-tmp*', '/notebooks'],
  cleanTempDir: true,
  thresholds: { high: 80, low: 70, break: null },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...shared,
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  // The pipeline by job (runner, batch transaction, retry, kernel registry), reconciliation,
  // the queries and how a refresh is timed, and the producer.
  mutate: [
    'lib/src/pipeline/{local,runner,batch-transaction,retry,kernel-registry,store,lock,writer,pipeline,backlog}.ts',
    'lib/src/campaigns/reconcile.ts',
    'lib/src/dashboard/{queries,refresh}.ts',
    'lib/src/kafka/producer.ts',
  ],
  htmlReporter: { fileName: 'out/mutation/pipeline/index.html' },
  jsonReporter: { fileName: 'out/mutation/pipeline/report.json' },
  incrementalFile: 'out/mutation/pipeline/incremental.json',
};
