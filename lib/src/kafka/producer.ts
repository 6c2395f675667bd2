/**
 * The donations producer: runs a campaign at a chosen rate (or as fast as the broker
 * takes it) for a count or a duration, in batches keyed by transaction_id, and reports
 * exactly what was acknowledged. A failed batch is named by its id range, never lost silently.
 */
import { Partitioners, type ICustomPartitioner, type Message, type Producer } from 'kafkajs';
import { donationJson, type Campaign, type DonationEvent } from '../campaigns/generator.js';
import { KafkaUnavailableError, KitError } from '../errors.js';
import { operationSignal, sleep } from '../interrupt.js';
import { assertTopicName } from '../names.js';
import { kafkajsOf, type KafkaClient } from './client.js';

/** Below the broker's message.max.bytes (1 MB by default; the kit's broker allows 2 MB). */
const MAX_REQUEST_BYTES = 900_000;
/**
 * Messages per request. kafkajs 2.2.4 groups a request's messages by partition by copying
 * the group's array for every message (quadratic in the request's size): its profile put
 * 18% of the producer's time there with requests of 2,000 messages (npm run bench).
 */
const MAX_REQUEST_MESSAGES = 500;

/**
 * The Java client's partitioner (murmur2 of the key), skipped when the topic has one
 * partition, where it can only answer that one: the hash cost 3% of the producer's time.
 */
const javaCompatiblePartitioner: ICustomPartitioner = () => {
  const java = Partitioners.DefaultPartitioner();
  return (args) => (args.partitionMetadata.length === 1 && args.message.partition == null ? args.partitionMetadata[0]!.partitionId : java(args));
};

export interface ProduceProgress {
  sent: number;
  acknowledged: number;
  failed: number;
  elapsedMs: number;
  eventsPerSecond: number;
  /** The target count, when there is one. */
  total?: number;
}

/** A producer with the kit's defaults: idempotent unless asked (no duplicates on retry, one request in flight), the Java client's partitioner. */
export function newProducer(kafka: KafkaClient, options: { idempotent?: boolean; retries?: number } = {}): Producer {
  return kafkajsOf(kafka).producer({
    createPartitioner: javaCompatiblePartitioner,
    idempotent: options.idempotent ?? true,
    maxInFlightRequests: options.idempotent === false ? undefined : 1,
    allowAutoTopicCreation: false,
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries } }),
  });
}

export interface ProduceOptions {
  /** Default: the configured donations topic. */
  topic?: string;
  campaign: Campaign;
  /** Stop after this many events. */
  count?: number;
  /** Stop after this long. */
  durationMs?: number;
  /** Events per second; omit for as fast as possible. */
  rate?: number;
  /** Messages per request to the broker. */
  batchSize?: number;
  /** Requests in flight at once. */
  inFlight?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProduceProgress) => void;
  progressEveryMs?: number;
  /** The time stamped on each event (tests pin it). */
  clock?: () => Date;
  /** A message's value (default: the event as JSON, donationJson). The bench wraps it in Kafka Connect's envelope. */
  encode?: (event: DonationEvent) => string;
  /**
   * A campaign that collected in the past: its `count` donations are stamped evenly from
   * `from` to `to`, in order, instead of now (lessons grow history this way, so that the
   * last-seconds panels show only what is live).
   */
  backdate?: { from: Date; to: Date };
}

export interface ProduceSummary {
  campaignId: number;
  topic: string;
  sent: number;
  acknowledged: number;
  failed: number;
  amountAcknowledged: number;
  firstTransactionId: number | null;
  lastTransactionId: number | null;
  /** Transaction id ranges the broker did not acknowledge (inclusive). */
  unacknowledged: { from: number; to: number; error: string }[];
  elapsedMs: number;
  eventsPerSecond: number;
  /** Messages per request the producer used: the one given, capped at a twentieth of the rate. */
  batchSize: number;
  stoppedBy: 'count' | 'duration' | 'signal' | 'error';
}

/** The options a run would fail on, refused before anything connects (here or in the producer's thread); the topic to send to. */
export function checkProduceOptions(kafka: KafkaClient, options: ProduceOptions): string {
  const topic = assertTopicName(options.topic ?? kafka.topic);
  if (options.count === undefined && options.durationMs === undefined && !options.signal) {
    throw new KitError('produceCampaign needs a count, a duration or an abort signal: it would never stop otherwise');
  }
  if (options.rate !== undefined && !(options.rate > 0)) throw new KitError(`rate must be a positive number of events per second, got ${options.rate}`);
  if (options.backdate && options.count === undefined) throw new KitError('backdate spreads a count of donations over a time span: give a count');
  return topic;
}

/**
 * Produces a campaign's donations. It stops at the count, the duration, the caller's
 * signal or a notebook interrupt, then waits for every request in flight: the summary
 * counts exactly what the broker acknowledged.
 */
export async function produceCampaign(kafka: KafkaClient, options: ProduceOptions): Promise<ProduceSummary> {
  const topic = checkProduceOptions(kafka, options);
  const { campaign } = options;
  const clock = options.clock ?? (() => new Date());
  const encode = options.encode ?? donationJson;
  const stamp = (sent: number) => {
    if (!options.backdate) return clock();
    const { from, to } = options.backdate;
    return new Date(from.getTime() + Math.floor(((to.getTime() - from.getTime()) * sent) / Math.max(1, options.count!)));
  };
  const inFlight = Math.max(1, options.inFlight ?? 4);
  // At a low rate, small batches keep the flow smooth (about 20 sends a second).
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 2_000, options.rate ? Math.ceil(options.rate / 20) : Number.POSITIVE_INFINITY));

  // Several requests in flight, which kafkajs allows only without idempotence: a retry after
  // a broker failover may then write a donation twice into the topic. The pipeline skips the
  // second copy by its key, and reconciliation counts it (docs/pipeline.md, "Crashes and bad input").
  const producer = newProducer(kafka, { idempotent: false });
  try {
    await producer.connect();
  } catch (error) {
    throw new KafkaUnavailableError(kafka.brokers, error);
  }
  const stop = operationSignal(`the producer of campaign ${campaign.id}`, options.signal);

  const summary: ProduceSummary = {
    campaignId: campaign.id,
    topic,
    sent: 0,
    acknowledged: 0,
    failed: 0,
    amountAcknowledged: 0,
    firstTransactionId: null,
    lastTransactionId: null,
    unacknowledged: [],
    elapsedMs: 0,
    eventsPerSecond: 0,
    batchSize,
    stoppedBy: 'count',
  };
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const pending = new Set<Promise<void>>();
  let lastProgress = 0;
  /** Progress at most every progressEveryMs; the last report (final) gives the summary's own figures. */
  const report = (final = false) => {
    const now = final ? summary.elapsedMs : elapsed();
    if (!options.onProgress || (!final && now - lastProgress < (options.progressEveryMs ?? 1_000))) return;
    lastProgress = now;
    options.onProgress({
      sent: summary.sent,
      acknowledged: summary.acknowledged,
      failed: summary.failed,
      elapsedMs: now,
      eventsPerSecond: now > 0 ? Math.round((summary.acknowledged * 1000) / now) : 0,
      total: options.count,
    });
  };

  const send = (events: DonationEvent[]) => {
    // One request per ~1 MB: the broker refuses a record batch over its message.max.bytes.
    let from = 0;
    let bytes = 0;
    const messages: Message[] = events.map((event) => ({ key: String(event.transaction_id), value: encode(event) }));
    for (let i = 0; i < messages.length; i++) {
      bytes += (messages[i]!.value as string).length + 30;
      if (bytes >= MAX_REQUEST_BYTES || i - from + 1 >= MAX_REQUEST_MESSAGES || i === messages.length - 1) {
        sendChunk(events.slice(from, i + 1), messages.slice(from, i + 1));
        from = i + 1;
        bytes = 0;
      }
    }
  };

  const sendChunk = (events: DonationEvent[], messages: Message[]) => {
    const amount = events.reduce((sum, e) => sum + e.total_amount, 0);
    const request = producer
      .send({ topic, acks: -1, messages })
      .then(() => {
        summary.acknowledged += events.length;
        summary.amountAcknowledged += amount;
      })
      .catch((error: Error) => {
        summary.failed += events.length;
        summary.unacknowledged.push({ from: events[0]!.transaction_id, to: events[events.length - 1]!.transaction_id, error: error.message });
      })
      .finally(() => {
        pending.delete(request);
        report();
      });
    pending.add(request);
  };

  try {
    for (;;) {
      if (stop.signal?.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      if (options.count !== undefined && summary.sent >= options.count) break;
      if (options.durationMs !== undefined && elapsed() >= options.durationMs) {
        summary.stoppedBy = 'duration';
        break;
      }
      if (summary.failed > 0 && summary.acknowledged === 0 && pending.size === 0) {
        summary.stoppedBy = 'error';
        break;
      }
      if (options.rate) {
        // Wait until the schedule allows the next event.
        const due = (summary.sent / options.rate) * 1000 - elapsed();
        if (due > 0) await sleep(Math.min(due, 100), stop.signal).catch(() => undefined);
        if (due > 100) continue;
      }
      let size = batchSize;
      if (options.count !== undefined) size = Math.min(size, options.count - summary.sent);
      if (options.rate) size = Math.max(1, Math.min(size, Math.floor((elapsed() / 1000) * options.rate) - summary.sent + 1));
      const events: DonationEvent[] = new Array(size);
      if (options.backdate) for (let i = 0; i < size; i++) events[i] = campaign.next(stamp(summary.sent + i));
      else {
        const now = clock();
        for (let i = 0; i < size; i++) events[i] = campaign.next(now);
      }
      summary.firstTransactionId ??= events[0]!.transaction_id;
      summary.lastTransactionId = events[size - 1]!.transaction_id;
      summary.sent += size;
      send(events);
      while (pending.size >= inFlight) await Promise.race(pending);
      report();
    }
    await Promise.all(pending);
  } finally {
    stop.done();
    await producer.disconnect().catch(() => undefined);
  }
  summary.elapsedMs = Math.round(elapsed());
  summary.eventsPerSecond = summary.elapsedMs > 0 ? Math.round((summary.acknowledged * 1000) / summary.elapsedMs) : 0;
  report(true);
  return summary;
}

/** A progress line for terminals and notebooks: `12,000 / 50,000 sent (24%), 11,800 acknowledged, 23,100 events/s`. */
export function formatProgress(p: ProduceProgress): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const of = p.total ? ` / ${n(p.total)} (${Math.floor((p.sent * 100) / p.total)}%)` : '';
  return `${n(p.sent)}${of} sent, ${n(p.acknowledged)} acknowledged${p.failed ? `, ${n(p.failed)} FAILED` : ''}, ${n(p.eventsPerSecond)} events/s`;
}
