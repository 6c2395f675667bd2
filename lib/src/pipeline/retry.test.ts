import { describe, expect, it } from 'vitest';
import { KitError, PipelineError } from '../errors.js';
import { retryUntilStopped } from './retry.js';

describe('retryUntilStopped', () => {
  it('tries again after a failure, reporting each, until the attempt succeeds', async () => {
    const failures: KitError[] = [];
    let attempts = 0;
    const loaded = await retryUntilStopped(
      async () => {
        if (++attempts < 2) throw new Error('lost connection');
      },
      () => true,
      (error) => failures.push(error),
    );
    expect(loaded).toBe(true);
    expect(attempts).toBe(2);
    expect(failures.map((error) => [error instanceof PipelineError, error.message])).toEqual([[true, 'Error: lost connection']]);
  });

  it('gives up, without waiting, once it should stop', async () => {
    let attempts = 0;
    const started = Date.now();
    const loaded = await retryUntilStopped(
      async () => {
        attempts++;
        throw new KitError('database restarting');
      },
      () => false,
      () => undefined,
    );
    expect([loaded, attempts]).toEqual([false, 1]);
    expect(Date.now() - started).toBeLessThan(150);
  });
});
