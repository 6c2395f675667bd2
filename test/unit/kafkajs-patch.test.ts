// patches/kafkajs+2.2.4.patch, applied by `npm ci` (postinstall): kafkajs's request queue
// handed setTimeout a negative delay whenever it was not throttled, which Node 24 reports
// on stderr as a TimeoutNegativeWarning in every CLI and notebook. kafkajs is unmaintained.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js');
const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

afterEach(() => vi.restoreAllMocks());

describe('kafkajs, as patched at install', () => {
  it('never schedules its pending-request check with a negative delay', () => {
    const delays: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout);
    const queue = new RequestQueue({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 'kit-test', broker: '127.0.0.1:9092', logger: silentLogger });
    try {
      // What a response arriving on an idle, unthrottled connection does.
      queue.scheduleCheckPendingRequests();
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(0);
    } finally {
      queue.destroy();
    }
  });
});
