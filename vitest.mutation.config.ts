// The vitest setup `npm run test:mutation` (Stryker) runs: the unit and integration tests,
// with @donations/lib read from lib/src, the sources Stryker mutates, instead of lib/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@donations/lib': fileURLToPath(new URL('./lib/src/index.ts', import.meta.url)) } },
  test: {
    env: { TZ: 'UTC' },
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/src/**/*.test.ts', 'test/unit/grafana.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
      },
    ],
  },
});
