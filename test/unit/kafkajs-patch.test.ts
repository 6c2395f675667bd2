// patches/kafkajs+2.2.4.patch, applied by `npm ci` (postinstall); kafkajs is unmaintained.
// Its request queue handed setTimeout a negative delay whenever it was not throttled, which
// Node 24 reports on stderr as a TimeoutNegativeWarning in every CLI and notebook. Its group
// coordinator lookup turned "not available yet" (a young broker creating __consumer_offsets)
// into a final "not found", so a consumer whose first join met it crashed and never restarted.
// And its admin gave up on a topic's offsets when a broker restarted after a crash did not lead
// the partition yet (Kafka 4.x answers that early), where a metadata refresh and a retry do.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js');
const Cluster = require('kafkajs/src/cluster/index.js');
const BrokerPool = require('kafkajs/src/cluster/brokerPool.js');
const createRetry = require('kafkajs/src/retry/index.js');
const { KafkaJSProtocolError } = require('kafkajs/src/errors.js');
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js');
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

describe('kafkajs, as patched at install: a group coordinator not available yet', () => {
  it('stays a retriable "not available" after the lookup gives up, not a final "not found"', async () => {
    let asked = 0;
    const broker = {
      findGroupCoordinator: async () => {
        asked += 1;
        throw createErrorFromCode(15); // COORDINATOR_NOT_AVAILABLE
      },
    };
    // Only what findGroupCoordinatorMetadata reads: one broker, a short retrier, a logger.
    const pool = Object.assign(Object.create(BrokerPool.prototype), { brokers: { 1: broker }, findBroker: async () => broker });
    const cluster = Object.assign(Object.create(Cluster.prototype), { brokerPool: pool, retrier: createRetry({ retries: 1, initialRetryTime: 1 }), logger: silentLogger });
    const error = await cluster.findGroupCoordinatorMetadata({ groupId: 'kit-test', coordinatorType: 0 }).catch((e: Error) => e);
    expect(asked).toBe(2);
    expect(error).toBeInstanceOf(KafkaJSProtocolError);
    expect(error).toMatchObject({ type: 'GROUP_COORDINATOR_NOT_AVAILABLE', retriable: true });
  });
});

describe('kafkajs, as patched at install: a broker restarted after a crash', () => {
  it("fetches a topic's offsets again when the broker does not lead the partition yet", async () => {
    const createAdmin = require('kafkajs/src/admin/index.js');
    let asked = 0;
    let refreshed = 0;
    const cluster = {
      addTargetTopic: async () => undefined,
      refreshMetadataIfNecessary: async () => undefined,
      refreshMetadata: async () => void (refreshed += 1),
      findTopicPartitionMetadata: () => [{ partitionId: 0 }],
      fetchTopicsOffset: async (requests: { topic: string }[]) => {
        const { topic } = requests[0]!;
        asked += 1;
        if (asked === 1) throw createErrorFromCode(6); // NOT_LEADER_FOR_PARTITION
        return [{ topic, partitions: [{ partition: 0, offset: '42' }] }];
      },
    };
    const logger = { ...silentLogger, namespace: () => silentLogger };
    const admin = createAdmin({ logger, cluster, retry: { retries: 2, initialRetryTime: 1 } });
    await expect(admin.fetchTopicOffsets('kit-test')).resolves.toEqual([{ partition: 0, offset: '42', high: '42', low: '42' }]);
    expect(refreshed).toBe(1);
  });
});
