import { describe, expect, it } from 'vitest';
import { PipelineError } from '../errors.js';
import { DEFAULT_BATCH_INTERVAL_MS, checkedSpec, rowsPerSecond, waitForCursors, type PipelineCursor } from './pipeline.js';
import type { Row } from './transform.js';
import { tsvChunks } from './writer.js';

describe('checkedSpec', () => {
  it('fills in the batch interval, 100 ms by default, and keeps one given; no procedure unless named', () => {
    const spec = { name: 'p', topic: 'donations', table: 'donation_transactions', format: 'donations-json' } as const;
    expect(DEFAULT_BATCH_INTERVAL_MS).toBe(100);
    expect(checkedSpec(spec)).toEqual({ ...spec, batchIntervalMs: 100, procedure: '' });
    expect(checkedSpec({ ...spec, batchIntervalMs: 2_500, procedure: 'keep_totals' })).toEqual({ ...spec, batchIntervalMs: 2_500, procedure: 'keep_totals' });
    expect(() => checkedSpec({ ...spec, procedure: 'no such; thing' })).toThrow(/procedure/);
  });

  it.each([
    [{ name: 'p; DROP TABLE x' }, 'Invalid pipeline name "p; DROP TABLE x"'],
    [{ table: 'donations`' }, 'Invalid table name "donations`"'],
    [{ topic: "donations'" }, `Invalid topic name "donations'"`],
  ])('refuses a name carrying SQL: %j', (change, message) => {
    expect(() => checkedSpec({ name: 'p', topic: 'donations', table: 'donation_transactions', format: 'lines', ...change })).toThrow(message);
  });
});

describe('rowsPerSecond', () => {
  it('is the rows of a batch over its time, rounded, and the rows themselves for a batch under a millisecond', () => {
    expect(rowsPerSecond(500, 250)).toBe(2_000);
    expect(rowsPerSecond(1, 3)).toBe(333);
    expect(rowsPerSecond(2, 3)).toBe(667);
    expect(rowsPerSecond(42, 0)).toBe(42);
  });
});

describe('waitForCursors', () => {
  const cursor = (partition: number, loadedOffset: string, extractedOffset?: string): PipelineCursor => ({ partition, loadedOffset, latestOffset: loadedOffset, extractedOffset });

  it('resolves once every partition reaches its end, reporting progress capped at each end', async () => {
    const snapshots = [[cursor(0, '3')], [cursor(0, '10'), cursor(1, '2')], [cursor(0, '12'), cursor(1, '5')]];
    const progress: [bigint, bigint][] = [];
    let reads = 0;
    await waitForCursors(async () => snapshots[Math.min(reads++, snapshots.length - 1)]!, new Map([[0, 10n], [1, 5n]]), {
      timeoutMs: 5_000,
      onProgress: (loaded, end) => progress.push([loaded, end]),
    });
    expect(reads).toBe(3);
    expect(progress).toEqual([
      [3n, 15n],
      [12n, 15n],
      [15n, 15n],
    ]);
  });

  it('resolves at once when the ends are already reached, NULL offsets reading as 0', async () => {
    await waitForCursors(async () => [cursor(0, 'null')], new Map([[0, 0n]]), { timeoutMs: 5_000 });
    await waitForCursors(async () => [], new Map(), { timeoutMs: 5_000 });
  });

  it('names a pipeline that is not loading after the timeout', async () => {
    const waiting = waitForCursors(async () => [cursor(0, '4')], new Map([[0, 10n]]), { timeoutMs: 150 });
    await expect(waiting).rejects.toThrow(PipelineError);
    await expect(waitForCursors(async () => [cursor(0, '')], new Map([[0, 10n]]), { timeoutMs: 150 })).rejects.toThrow(
      'the pipeline loaded 0 of 10 messages before the timeout: is it running? (see its errors and batches)',
    );
    await expect(waiting).rejects.toThrow('the pipeline loaded 4 of 10 messages before the timeout: is it running? (see its errors and batches)');
  });

  it('names a batch extracted but not committed after the timeout (SingleStore moves CURSOR_OFFSET first)', async () => {
    await expect(waitForCursors(async () => [cursor(0, '4', '10'), cursor(1, '7', '7')], new Map([[0, 10n], [1, 7n]]), { timeoutMs: 150 })).rejects.toThrow(
      'the pipeline extracted every message but committed 11 of 17 before the timeout: a batch failed or is still loading (see its errors and batches)',
    );
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = waitForCursors(async () => [cursor(0, '0')], new Map([[0, 10n]]), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error('stopped by the test'));
    await expect(waiting).rejects.toThrow();
  });
});

describe('tsvChunks', () => {
  it('writes every LOAD DATA line whole, in chunks of at most 1 MB that end with a line', () => {
    const rows: Row[] = Array.from({ length: 200_000 }, (_, i) => [`line ${i} é`] as Row);
    const chunks = [...tsvChunks(rows)];
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(1 << 20);
      expect(chunk[chunk.length - 1]).toBe(0x0a);
    }
    expect(Buffer.concat(chunks).toString('utf8')).toBe(rows.map((row) => `${row[0]}\n`).join(''));
    expect([...tsvChunks([])]).toEqual([]);
  });

  it('makes a chunk large enough for a line longer than 1 MB, the line whole in it', () => {
    const long = 'ü'.repeat(700_000);
    const chunks = [...tsvChunks([['a'], [long], ['b']] as Row[])].map((chunk) => chunk.toString('utf8'));
    expect(chunks[0]).toBe('a\n');
    expect(chunks[1]!.startsWith(`${long}\n`)).toBe(true);
    expect(chunks.join('')).toBe(`a\n${long}\nb\n`);
  });

  it('writes NULL as \\N and escapes tabs, newlines and backslashes', () => {
    const row = [1, 'a\tb\nc\\d', null, null, 'SmileFund', '2026-12-02 10:00:00', 5, 3, 1] as Row;
    expect(Buffer.concat([...tsvChunks([row])]).toString('utf8')).toBe('1\ta\\tb\\nc\\\\d\t\\N\t\\N\tSmileFund\t2026-12-02 10:00:00\t5\t3\t1\n');
  });
});
