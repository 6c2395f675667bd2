// SingleStore reports a partition that has loaded no batch yet with NULL offsets: they read as 0.
import { describe, expect, it } from 'vitest';
import { waitForCursors, type PipelineCursor } from './pipeline.js';

describe('waitForCursors on NULL offsets', () => {
  it.each([null, undefined, '', 'null'])('reads %j as offset 0', async (value) => {
    const cursor = { partition: 0, loadedOffset: value, latestOffset: '0', extractedOffset: value } as unknown as PipelineCursor;
    const progress: bigint[] = [];
    await waitForCursors(async () => [cursor], new Map([[0, 0n]]), { timeoutMs: 1_000, onProgress: (loaded) => progress.push(loaded) });
    expect(progress).toEqual([0n]);
    await expect(waitForCursors(async () => [cursor], new Map([[0, 2n]]), { timeoutMs: 120 })).rejects.toThrow('the pipeline loaded 0 of 2 messages before the timeout: is it running?');
  });
});
