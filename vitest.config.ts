import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Timestamps in tests are UTC, like the kit's data.
    env: { TZ: 'UTC' },
    // Two cores: one test file at a time keeps broker and database timings sane.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/src/**/*.test.ts', 'test/unit/**/*.test.ts'],
          env: { TZ: 'UTC' },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'notebooks',
          include: ['test/notebooks/**/*.test.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 1_800_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // As root: a user of its own runs `npm run workshop` on a fresh copy (free ports from 39092, 33306).
          name: 'learner',
          include: ['test/learner/**/*.test.ts'],
          env: { TZ: 'UTC' },
          testTimeout: 1_800_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // JupyterLab in Debian's Chromium (puppeteer-core): Run All, an exercise, an interrupt, a re-run.
          // Last (groupOrder 1): the other projects, notebooks included, run before it.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          env: { TZ: 'UTC' },
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          // The static site (npm run site) browsed from file:// in Chromium, built from the notebook
          // test's run when it is current (else from a 20k-row workshop of its own). Last (groupOrder 2):
          // after the notebooks, and not beside the browser test's Chromium.
          name: 'site',
          include: ['test/site/**/*.test.ts'],
          env: { TZ: 'UTC' },
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 1_500_000,
        },
      },
      {
        test: {
          // Kills and restarts services of its own (ports 19092 and 13306), never the learner's.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          env: { TZ: 'UTC' },
          globalSetup: ['test/faults/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
