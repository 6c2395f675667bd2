// The vitest setup `npm run test:mutation` (Stryker) runs: the unit and integration tests,
// with @donations/lib read from lib/src, the sources Stryker mutates, instead of lib/dist.
// A mutant that stops the pipeline makes a test wait for rows that never come: 30 s (not
// the suite's 120 s) ends that wait, as every test here passes in a few seconds.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@donations/lib': fileURLToPath(new URL('./lib/src/index.ts', import.meta.url)) } },
  test: {
    // MUTATION_RUN: the few tests that only repeat what quicker ones check, at scale, stand aside.
    env: { TZ: 'UTC', MUTATION_RUN: '1' },
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/src/**/*.test.ts', 'test/unit/grafana.test.ts'] },
      },
      {
        extends: true,
        // The lab's tests start JupyterLab on the notebooks, which Stryker's sandbox leaves
        // out, and reach none of the mutated code.
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: ['test/integration/lab.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
      },
    ],
  },
});
