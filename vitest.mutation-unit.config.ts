// The unit tests alone, for part 2 of the mutation run (stryker.pure.config.mjs).
import { defineConfig } from 'vitest/config';
import mutation from './vitest.mutation.config.js';

export default defineConfig({
  ...mutation,
  test: { ...mutation.test, projects: mutation.test!.projects!.slice(0, 1) },
});
