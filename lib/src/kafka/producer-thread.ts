/**
 * The producer in a worker thread of its own, for the steps that produce and load in one
 * process (lesson 05's growth, the live parts, the bench's end to end): the pipeline keeps the
 * main JavaScript thread and the producer takes the second core. Same options, progress,
 * summary and stops (a signal, a notebook interrupt) as produceCampaign; the campaign goes on
 * from where the thread left it. The thread is kept, idle and unreferenced, for the next
 * campaign: lesson 05 produces twenty, and each new thread cost 0.4 s of start-up and cold code.
 */
import { Worker } from 'node:worker_threads';
import { Campaign, type CampaignSnapshot } from '../campaigns/generator.js';
import * as errors from '../errors.js';
import { operationSignal } from '../interrupt.js';
import type { KafkaConfig } from '../config.js';
import type { KafkaClient, KafkaClientOptions } from './client.js';
import { checkProduceOptions, produceCampaign, type ProduceOptions, type ProduceProgress, type ProduceSummary } from './producer.js';

/** What the thread is started with: plain data only. */
export interface ProducerThreadInput {
  kafka: { settings: KafkaConfig; options: KafkaClientOptions };
  campaign: CampaignSnapshot;
  options: Pick<ProduceOptions, 'topic' | 'count' | 'durationMs' | 'rate' | 'batchSize' | 'inFlight' | 'progressEveryMs'> & {
    backdate?: { from: number; to: number };
    reportsProgress: boolean;
  };
}

/** From the caller to the thread: one campaign at a time. */
export type ProducerThreadRequest = { type: 'produce'; input: ProducerThreadInput } | { type: 'stop' };

export type ProducerThreadMessage =
  | { type: 'progress'; progress: ProduceProgress }
  | { type: 'done'; summary: ProduceSummary; campaign: CampaignSnapshot }
  | { type: 'failed'; error: { name: string; message: string; retriable: boolean }; campaign: CampaignSnapshot | undefined };

/** Idle threads, one for each Kafka setting at most, waiting for their next campaign. */
const idleThreads = new Map<string, Worker>();

function takeThread(key: string): Worker {
  const idle = idleThreads.get(key);
  idleThreads.delete(key);
  if (idle) {
    idle.ref();
    return idle;
  }
  const worker = new Worker(threadEntry());
  // A thread that fails or ends while idle is never handed out again (and its error, with no
  // campaign to fail, does not end this process as an unhandled 'error' event would).
  const forget = () => idleThreads.get(key) === worker && idleThreads.delete(key);
  worker.on('error', forget);
  worker.once('exit', forget);
  return worker;
}

/** Back to the idle ones, unreferenced so that it keeps no process alive; a second idle one for the same settings ends. */
function keepThread(key: string, worker: Worker): void {
  if (idleThreads.has(key)) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idleThreads.set(key, worker);
}

/** The compiled entry of the thread; from the TypeScript sources (tests), the built one beside them. */
function threadEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/kafka/producer-thread-entry.js', here) : new URL('./producer-thread-entry.js', here);
}

/**
 * produceCampaign, run in a worker thread. A campaign with a random source of its own, a
 * pinned clock or a custom encoding cannot cross to a thread: those run on this one.
 */
export async function produceCampaignOffThread(kafka: KafkaClient, options: ProduceOptions): Promise<ProduceSummary> {
  const snapshot = options.campaign.snapshot();
  if (!snapshot || options.clock || options.encode) return produceCampaign(kafka, options);
  checkProduceOptions(kafka, options);
  const input: ProducerThreadInput = {
    kafka: { settings: kafka.settings, options: kafka.options },
    campaign: snapshot,
    options: {
      topic: options.topic,
      count: options.count,
      durationMs: options.durationMs,
      rate: options.rate,
      batchSize: options.batchSize,
      inFlight: options.inFlight,
      progressEveryMs: options.progressEveryMs,
      backdate: options.backdate && { from: options.backdate.from.getTime(), to: options.backdate.to.getTime() },
      reportsProgress: Boolean(options.onProgress),
    },
  };
  // The interrupt is registered here, where the kernel's signal arrives; the thread is told to stop.
  const stop = operationSignal(`the producer of campaign ${snapshot.id}`, options.signal);
  const key = JSON.stringify(input.kafka);
  const worker = takeThread(key);
  const askToStop = () => worker.postMessage({ type: 'stop' } satisfies ProducerThreadRequest);
  let reusable = false;
  const listeners: { message?: (message: ProducerThreadMessage) => void; error?: (error: Error) => void; exit?: (code: number) => void } = {};
  try {
    return await new Promise<ProduceSummary>((resolve, reject) => {
      listeners.message = (message) => {
        if (message.type === 'progress') options.onProgress?.(message.progress);
        else if (message.type === 'done') {
          reusable = true;
          options.campaign.catchUp(message.campaign);
          resolve(message.summary);
        } else {
          reusable = true;
          if (message.campaign) options.campaign.catchUp(message.campaign);
          reject(errorFromThread(message.error));
        }
      };
      listeners.error = reject;
      listeners.exit = (code) => reject(new errors.KitError(`the producer's thread exited (code ${code}) before it reported: run it again; if it fails again, run npm run produce for its error`));
      worker.on('message', listeners.message);
      worker.on('error', listeners.error);
      worker.on('exit', listeners.exit);
      worker.postMessage({ type: 'produce', input } satisfies ProducerThreadRequest);
      if (stop.signal?.aborted) askToStop();
      else stop.signal?.addEventListener('abort', askToStop, { once: true });
    });
  } finally {
    stop.signal?.removeEventListener('abort', askToStop);
    stop.done();
    if (listeners.message) worker.off('message', listeners.message);
    if (listeners.error) worker.off('error', listeners.error);
    if (listeners.exit) worker.off('exit', listeners.exit);
    if (reusable) keepThread(key, worker);
    else await worker.terminate();
  }
}

/** The thread's error as the kit's own class (KafkaUnavailableError, ...), so callers and their one-line reports see no difference. */
function errorFromThread(error: { name: string; message: string; retriable: boolean }): Error {
  const kind = (errors as Record<string, unknown>)[error.name];
  const prototype = typeof kind === 'function' && kind.prototype instanceof errors.KitError ? (kind.prototype as object) : errors.KitError.prototype;
  const rebuilt = Object.create(prototype) as errors.KitError;
  Object.defineProperties(rebuilt, {
    message: { value: error.message, writable: true, configurable: true },
    name: { value: error.name, writable: true, configurable: true },
    retriable: { value: error.retriable, configurable: true },
    stack: { value: `${error.name}: ${error.message}\n    (in the producer's thread)`, writable: true, configurable: true },
  });
  return rebuilt;
}

/**
 * The thread's side: for each campaign asked, produce, report progress, stop when asked,
 * hand back the summary and where the campaign stands; then wait for the next.
 */
export function serveProducerThread(port: { postMessage(message: ProducerThreadMessage): void; on(event: 'message', listener: (message: ProducerThreadRequest) => void): void }, kafkaFor: (input: ProducerThreadInput) => KafkaClient): void {
  let stopping: AbortController | undefined;
  port.on('message', (request) => {
    if (request.type === 'stop') stopping?.abort(new errors.KitError('stopped'));
    else {
      stopping = new AbortController();
      void produceInThread(request.input, port, kafkaFor(request.input), stopping.signal);
    }
  });
}

async function produceInThread(input: ProducerThreadInput, port: { postMessage(message: ProducerThreadMessage): void }, kafka: KafkaClient, signal: AbortSignal): Promise<void> {
  const campaign = Campaign.fromSnapshot(input.campaign);
  const { backdate, reportsProgress, ...rest } = input.options;
  try {
    const summary = await produceCampaign(kafka, {
      ...rest,
      campaign,
      signal,
      backdate: backdate && { from: new Date(backdate.from), to: new Date(backdate.to) },
      onProgress: reportsProgress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
    });
    port.postMessage({ type: 'done', summary, campaign: campaign.snapshot()! });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: 'failed', error: { name: e.name, message: e.message, retriable: e instanceof errors.KitError && e.retriable }, campaign: campaign.snapshot() });
  }
}
