// patches/kafkajs+2.2.4.patch, applied by `npm ci` (postinstall); kafkajs is unmaintained.
// Its request queue handed setTimeout a negative delay whenever it was not throttled, which
// Node 24 reports on stderr as a TimeoutNegativeWarning in every CLI and notebook. Its group
// coordinator lookup turned "not available yet" (a young broker creating __consumer_offsets)
// into a final "not found", so a consumer whose first join met it crashed and never restarted.
// And its admin gave up on a topic's offsets when a broker restarted after a crash did not lead
// the partition yet (Kafka 4.x answers that early), where a metadata refresh and a retry do.
import { createHash } from 'node:crypto';
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

// The producer's hot path, patched for speed (npm run bench: the producer's CPU per event):
// records written straight into one buffer, varints in place, a batch's length and CRC filled
// in at the end, CRC32C eight bytes a step, messages grouped by partition without copying.
// The bytes on the wire must stay kafkajs 2.2.4's: the hashes below were taken from the
// unpatched package (`npm pack kafkajs@2.2.4`) with these same cases.
describe('kafkajs, as patched at install: the produce request encodes the same bytes', () => {
  const ProduceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js');
  const Encoder = require('kafkajs/src/protocol/encoder.js');
  const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
  const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js');
  const Long = require('kafkajs/src/utils/long.js');
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

  function cases() {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const donations = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        key: String(1000 + i),
        value: JSON.stringify({ transaction_id: 1000 + i, city: ['Paris', 'Lyon', 'Saint-Étienne'][i % 3], total_amount: Math.round(random() * 10000) / 100 }),
      }));
    return {
      small: [{ partition: 0, messages: donations(3) }],
      timestamps: [{ partition: 0, messages: donations(4).map((m, i) => ({ ...m, timestamp: String(1764633600000 + i * 1000 * (i % 2 ? -1 : 1) * 3000000) })) }],
      headers: [
        {
          partition: 1,
          messages: [
            { key: null, value: 'plain', headers: { a: 'x', b: ['y', 'zz'], c: Buffer.from([1, 2, 3]) } },
            { key: Buffer.from('bk'), value: Buffer.from('bytes value'), headers: {} },
            { key: 'ü', value: null },
            { key: 'big', value: 'v'.repeat(70000) },
          ],
        },
      ],
      many: [{ partition: 0, messages: donations(500) }, { partition: 2, messages: donations(7) }],
      mixed: [{ partition: 0, messages: [...donations(2), { key: 'h', value: 'with header', headers: { trace: 'abc' } }, { key: '', value: '' }, ...donations(2)] }],
    };
  }
  const KAFKAJS_2_2_4: Record<string, string> = {
    'small/-1': 'a9aee9becb4d52a2', 'small/1': 'b57a1c2497917912', 'small/-1/gzip': 'fb31b01a11d2a2b0',
    'timestamps/-1': 'aa6477bfcb81274b', 'timestamps/1': '3d279bcfba110f59', 'timestamps/-1/gzip': 'a625e3c1a08d6265',
    'headers/-1': '5d099b4e888065f0', 'headers/1': 'b89414fa743fc193', 'headers/-1/gzip': '876281496e868f7e',
    'many/-1': '68844445bd3c462a', 'many/1': '25393e4a95125a74', 'many/-1/gzip': '10260f6710904e7b',
    'mixed/-1': 'c22677f9de91dba7', 'mixed/1': '15bbcb0e403d65d8', 'mixed/-1/gzip': 'd1681a2465acdc0d',
  };

  it('for keys, values, headers, timestamps, idempotence, transactions and gzip', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1764633600123);
    const variants = [
      { acks: -1, timeout: 30000 },
      { acks: 1, timeout: 5000, transactionalId: 'tx', producerId: Long.fromValue(4242), producerEpoch: 3 },
      { acks: -1, timeout: 30000, compression: 1 },
    ];
    const hashes: Record<string, string> = {};
    for (const [name, partitions] of Object.entries(cases())) {
      for (const variant of variants) {
        const topicData = [{ topic: 'donations', partitions: partitions.map((p, i) => ({ ...p, firstSequence: i * 10 })) }];
        const encoded = await ProduceV3({ ...variant, topicData }).encode();
        hashes[`${name}/${variant.acks}${variant.compression ? '/gzip' : ''}`] = sha(encoded.buffer);
      }
    }
    expect(hashes).toEqual(KAFKAJS_2_2_4);
  });

  it("writes a number's varlong as its Long's, up to the largest whole numbers", () => {
    const values = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1764633600123, -1764633600123];
    for (const edge of [2 ** 52, Number.MAX_SAFE_INTEGER]) values.push(edge - 1, edge, -edge + 1, -edge);
    for (let i = 0; i < 2_000; i++) values.push(Math.round((Math.random() - 0.5) * 2 ** (1 + (i % 53))));
    for (const value of values) {
      const fromNumber = new Encoder().writeVarLong(value).buffer;
      expect(fromNumber.toString('hex'), String(value)).toBe(new Encoder().writeVarLong(Long.fromValue(value)).buffer.toString('hex'));
      expect(Encoder.sizeOfVarLong(value), String(value)).toBe(fromNumber.length);
    }
  });

  it("computes CRC32C as the bit-by-bit definition does, at every length and offset", () => {
    const bitByBit = (bytes: Uint8Array) => {
      let crc = ~0;
      for (const byte of bytes) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return ~crc >>> 0;
    };
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    const bytes = Buffer.from(Array.from({ length: 300 }, () => Math.floor(Math.random() * 256)));
    for (let length = 0; length <= 40; length++) {
      for (const start of [0, 1, 5]) expect(crc32C(bytes.subarray(start, start + length))).toBe(bitByBit(bytes.subarray(start, start + length)));
    }
    expect(crc32C(bytes)).toBe(bitByBit(bytes));
  });

  it('groups messages by partition in their order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ key: String(i), value: 'v' }));
    const partitionMetadata = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];
    const groups = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: ({ message }: { message: { key: string } }) => Number(message.key) % 3 });
    expect(Object.keys(groups)).toEqual(['0', '1', '2']);
    expect(groups[1].map((m: { key: string }) => m.key)).toEqual(['1', '4', '7']);
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 })).toEqual({});
  });
});

// The consumer's side: a record read where it lies in the batch, its offset and timestamp
// from numbers parsed once per batch, no headers without an array. The decoded records must
// stay kafkajs 2.2.4's: hashes of the unpatched package's decoding of these same batches.
describe('kafkajs, as patched at install: a fetched record batch decodes to the same records', () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
  const Decoder = require('kafkajs/src/protocol/decoder.js');
  const Long = require('kafkajs/src/utils/long.js');
  const show = (_key: string, value: unknown) => (Buffer.isBuffer(value) ? `buf:${value.toString('hex')}` : typeof value === 'bigint' ? `big:${value}` : value);
  type Case = { firstOffset: string; firstTimestamp: number | string; records: { key: string | Buffer | null; value: string | Buffer | null; timestampDelta?: number; headers?: object }[] };
  const cases: Record<string, Case> = {
    plain: { firstOffset: '0', firstTimestamp: 1764633600123, records: Array.from({ length: 50 }, (_, i) => ({ key: String(i), value: `{"n":${i}}`, timestampDelta: 0 })) },
    deltas: { firstOffset: '123456789', firstTimestamp: 1764633600123, records: [0, 1, -1, 63, 64, 8191, 8192, 2 ** 20, 2 ** 27 - 1, 2 ** 27, -(2 ** 27), 2 ** 34, -(2 ** 34)].map((d, i) => ({ key: `k${i}`, value: 'v', timestampDelta: d })) },
    headers: { firstOffset: '42', firstTimestamp: 1764633600123, records: [{ key: null, value: 'a', headers: { x: 'y', z: ['1', '2'] } }, { key: 'b', value: null }, { key: 'c', value: Buffer.from([0, 1, 2]), headers: { e: Buffer.from('') } }] },
    hugeOffset: { firstOffset: '9007199254740990', firstTimestamp: 1764633600123, records: Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: String(i) })) },
    beyondSafe: { firstOffset: '1152921504606846976', firstTimestamp: '9007199254740991', records: Array.from({ length: 3 }, (_, i) => ({ key: 'k', value: String(i), timestampDelta: i })) },
    negativeTimestamp: { firstOffset: '7', firstTimestamp: -1, records: [{ key: 'k', value: 'v' }] },
  };
  const KAFKAJS_2_2_4: Record<string, string> = {
    plain: '92cf01aa08240b04', deltas: 'a9f1aeddc4e1932a', headers: '6049181618d66f23',
    hugeOffset: 'df004d2393c79ceb', beyondSafe: '6c439c0a51e8956b', negativeTimestamp: 'c2f435f45c745d50',
  };

  it('for offsets and timestamps beyond 2^53, long timestamp deltas, headers, null keys and values, and gzip', async () => {
    for (const [name, c] of Object.entries(cases)) {
      for (const compression of [0, 1]) {
        const records = c.records.map((r, i) => Record({ ...r, offsetDelta: i }));
        const batch = await RecordBatch({ compression, firstOffset: Long.fromValue(c.firstOffset), firstTimestamp: c.firstTimestamp, maxTimestamp: c.firstTimestamp, records, lastOffsetDelta: records.length - 1 });
        const decoded = await decodeBatch(new Decoder(batch.buffer));
        expect(createHash('sha256').update(JSON.stringify(decoded, show)).digest('hex').slice(0, 16), `${name}, compression ${compression}`).toBe(KAFKAJS_2_2_4[name]);
      }
    }
  });
});
