// A corpus of bad messages, each between two good donations on one partition: every bad
// one is recorded with its reason (or handled as documented), every good neighbour lands,
// and the pipeline keeps running.
import { describe, expect, it } from 'vitest';
import {
  Campaign,
  LocalPipeline,
  createKafka,
  createTopic,
  naiveTableDdl,
  produceMessages,
  uniqueTopicName,
  type DonationEvent,
} from '@donations/lib';
import { useFaultDatabase } from './fault-database.js';
import { recordFigures } from './figures.js';

const { config, db } = useFaultDatabase(2);

/** What the pipeline must do with a message: reject it with a kind, load it, or skip it as a duplicate. */
type Outcome = { rejected: string } | { lands: true } | { skippedDuplicate: true };

interface BadMessage {
  name: string;
  value: Buffer | null;
  outcome: Outcome;
}

const campaign = new Campaign({ id: 4242, seed: 42 });
const clock = new Date('2026-11-25T10:00:00Z');
const good = (): DonationEvent => campaign.next(clock);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const donation = (change: Record<string, unknown>) => json({ ...good(), ...change });
const without = (field: keyof DonationEvent) => {
  const event: Record<string, unknown> = { ...good() };
  delete event[field];
  return json(event);
};

/** The documented outcome of each kind of bad input (see the transform module and docs/pipeline.md). */
function corpus(firstGoodId: () => number): BadMessage[] {
  const duplicateOf = firstGoodId();
  return [
    { name: 'invalid JSON', value: Buffer.from('{"transaction_id": 17, "city": "Paris",'), outcome: { rejected: 'invalid-json' } },
    { name: 'empty value', value: Buffer.alloc(0), outcome: { rejected: 'empty' } },
    { name: 'null value (tombstone)', value: null, outcome: { rejected: 'empty' } },
    { name: 'binary garbage', value: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0xc3, 0x28, 0xa0, 0xa1]), outcome: { rejected: 'bad-encoding' } },
    { name: 'a JSON array', value: json([1, 2, 3]), outcome: { rejected: 'not-an-object' } },
    { name: 'a bare JSON string', value: json('donation'), outcome: { rejected: 'not-an-object' } },
    { name: 'missing city', value: without('city'), outcome: { rejected: 'missing-field' } },
    { name: 'missing total_amount', value: without('total_amount'), outcome: { rejected: 'missing-field' } },
    { name: 'amount of the wrong type', value: donation({ total_amount: 'lots' }), outcome: { rejected: 'wrong-type' } },
    { name: 'city of the wrong type', value: donation({ city: { name: 'Paris' } }), outcome: { rejected: 'wrong-type' } },
    { name: 'fractional transaction id', value: donation({ transaction_id: 1.5 }), outcome: { rejected: 'wrong-type' } },
    { name: 'negative amount', value: donation({ total_amount: -20 }), outcome: { rejected: 'out-of-range' } },
    { name: 'zero amount', value: donation({ total_amount: 0 }), outcome: { rejected: 'out-of-range' } },
    { name: 'huge amount', value: donation({ total_amount: 1e12 }), outcome: { rejected: 'out-of-range' } },
    { name: 'latitude off the globe', value: donation({ latitude: 123.4 }), outcome: { rejected: 'out-of-range' } },
    { name: 'organization too long', value: donation({ organization: 'Les Restaurants du Coeur et toutes leurs antennes locales' }), outcome: { rejected: 'too-long' } },
    { name: 'city too long in emoji', value: donation({ city: '🏙️'.repeat(30) }), outcome: { rejected: 'too-long' } },
    { name: 'null transaction id', value: donation({ transaction_id: null }), outcome: { rejected: 'missing-field' } },
    { name: 'wrong date format', value: donation({ transaction_date: '25/11/2026 10:00' }), outcome: { rejected: 'bad-date' } },
    { name: 'impossible date', value: donation({ transaction_date: '2026-02-30 10:00:00' }), outcome: { rejected: 'bad-date' } },
    { name: 'is_campaign_active not 0 or 1', value: donation({ is_campaign_active: 'yes' }), outcome: { rejected: 'wrong-type' } },
    { name: '1 MB of garbage', value: Buffer.alloc(1_000_000, 'x'), outcome: { rejected: 'invalid-json' } },
    // Loaded, as a SingleStore JSON pipeline loads them: extra keys are not mapped, any city name fits the column.
    { name: 'unexpected extra fields', value: donation({ donor_email: 'someone@example.org', note: 'merci' }), outcome: { lands: true } },
    { name: '1 MB message (a donation with 1 MB of extra data)', value: donation({ attachment: 'y'.repeat(1_000_000) }), outcome: { lands: true } },
    { name: 'unknown city', value: donation({ city: 'Atlantis', latitude: null, longitude: null }), outcome: { lands: true } },
    { name: 'accented city and ISO date with Z', value: donation({ city: 'Saint-Étienne', transaction_date: '2026-11-25T10:00:00Z' }), outcome: { lands: true } },
    { name: 'duplicate transaction id', value: donation({ transaction_id: duplicateOf }), outcome: { skippedDuplicate: true } },
  ];
}

describe('faults: bad messages', () => {
  it('records each bad message with its reason, loads every good neighbour, and keeps running', async () => {
    const kafka = createKafka(config.kafka);
    const topic = uniqueTopicName('kit-faults-bad');
    const table = `bad_${topic.slice(-6).replace(/\W/g, '')}`;
    await createTopic(kafka, { topic, partitions: 1 });
    await db.execute(naiveTableDdl('mariadb', table).sql);

    // good, bad, good, bad, ..., good: offsets follow the order of the sends.
    const goodIds: number[] = [];
    const sendGood = () => {
      const event = good();
      goodIds.push(event.transaction_id);
      return json(event);
    };
    const messages: { value: Buffer | null; bad?: BadMessage }[] = [{ value: sendGood() }];
    for (const bad of corpus(() => goodIds[0]!)) messages.push({ value: bad.value, bad }, { value: sendGood() });

    const offsets = (await produceMessages(kafka, topic, messages.map((m) => ({ key: 'k', value: m.value })))).map((landed) => landed.offset);

    const pipeline = new LocalPipeline({ db, kafka }, { name: `${table}_pipeline`, topic, table, format: 'donations-json', batchIntervalMs: 50 });
    try {
      await pipeline.create();
      await pipeline.start();
      await pipeline.waitUntilCaughtUp({ timeoutMs: 60_000 });
      expect((await pipeline.status())?.state).toBe('Running');
      expect(pipeline.lastError).toBeUndefined();

      const errors = new Map((await pipeline.errors(1_000)).map((e) => [e.offset, e]));
      const held = new Set((await db.query<{ id: number }>(`SELECT transaction_id AS id FROM \`${table}\``)).map((r) => Number(r.id)));
      const batches = await pipeline.batches(1_000);
      const skipped = batches.reduce((sum, b) => sum + (b.skippedDuplicates ?? 0), 0);

      const outcomes: string[] = [];
      messages.forEach((message, i) => {
        if (!message.bad) return;
        const error = errors.get(offsets[i]!);
        const { outcome, name } = message.bad;
        if ('rejected' in outcome) {
          outcomes.push(`${name}: ${error ? `${error.kind} (${error.reason})` : 'NOT RECORDED'}`);
          expect(error?.kind, name).toBe(outcome.rejected);
          expect(error?.reason.length, name).toBeGreaterThan(5);
        } else {
          expect(error, name).toBeUndefined();
          if ('lands' in outcome) {
            const id = (JSON.parse(message.value!.toString()) as DonationEvent).transaction_id;
            expect(held.has(id), name).toBe(true);
          }
        }
      });
      for (const id of goodIds) expect(held.has(id), `good donation ${id}`).toBe(true);
      expect(skipped).toBe(1);

      const rejected = messages.filter((m) => m.bad && 'rejected' in m.bad.outcome).length;
      expect(errors.size).toBe(rejected);
      expect(held.size).toBe(goodIds.length + messages.filter((m) => m.bad && 'lands' in m.bad.outcome).length);
      recordFigures({
        scenario: 'bad messages',
        faults: `${messages.length - goodIds.length} kinds of bad message between ${goodIds.length} good ones (${rejected} to reject, the rest loaded or skipped as documented)`,
        produced: messages.length,
        acknowledged: messages.length,
        lost: goodIds.filter((id) => !held.has(id)).length,
        duplicated: 0,
        rejected: errors.size,
        skippedDuplicates: skipped,
        notes: `rejected by kind: ${[...countBy([...errors.values()].map((e) => e.kind))].map(([k, n]) => `${k} ${n}`).join(', ')}`,
      });
    } finally {
      await pipeline.close();
    }
  });
});

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
