/**
 * The producer in a worker thread of its own, for the steps that produce and load in one
 * process (lesson 05's growth, the live parts, the bench's end to end): the pipeline keeps the
 * main JavaScript thread and the producer takes the second core. Same options, progress,
 * summary and stops (a signal, a notebook interrupt) as produceCampaign; the campaign goes on
 * from where the thread left it.
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

export type ProducerThreadMessage =
  | { type: 'progress'; progress: ProduceProgress }
  | { type: 'done'; summary: ProduceSummary; campaign: CampaignSnapshot }
  | { type: 'failed'; error: { name: string; message: string; retriable: boolean }; campaign: CampaignSnapshot | undefined };

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
  const worker = new Worker(threadEntry(), { workerData: input });
  const askToStop = () => worker.postMessage({ type: 'stop' });
  if (stop.signal?.aborted) askToStop();
  else stop.signal?.addEventListener('abort', askToStop, { once: true });
  try {
    return await new Promise<ProduceSummary>((resolve, reject) => {
      let settled = false;
      worker.on('message', (message: ProducerThreadMessage) => {
        if (message.type === 'progress') options.onProgress?.(message.progress);
        else if (message.type === 'done') {
          settled = true;
          options.campaign.catchUp(message.campaign);
          resolve(message.summary);
        } else {
          settled = true;
          if (message.campaign) options.campaign.catchUp(message.campaign);
          reject(errorFromThread(message.error));
        }
      });
      worker.on('error', (error) => {
        settled = true;
        reject(error);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new errors.KitError(`the producer's thread exited (code ${code}) before it reported: run it again; if it fails again, run npm run produce for its error`));
      });
    });
  } finally {
    stop.signal?.removeEventListener('abort', askToStop);
    stop.done();
    await worker.terminate();
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

/** The thread's side: produce, report progress, stop when asked, hand back the summary and where the campaign stands. */
export async function runProducerThread(input: ProducerThreadInput, port: { postMessage(message: ProducerThreadMessage): void; on(event: 'message', listener: (message: { type: string }) => void): void }, kafka: KafkaClient): Promise<void> {
  const campaign = Campaign.fromSnapshot(input.campaign);
  const stopping = new AbortController();
  port.on('message', (message) => {
    if (message.type === 'stop') stopping.abort(new errors.KitError('stopped'));
  });
  const { backdate, reportsProgress, ...rest } = input.options;
  try {
    const summary = await produceCampaign(kafka, {
      ...rest,
      campaign,
      signal: stopping.signal,
      backdate: backdate && { from: new Date(backdate.from), to: new Date(backdate.to) },
      onProgress: reportsProgress ? (progress) => port.postMessage({ type: 'progress', progress }) : undefined,
    });
    port.postMessage({ type: 'done', summary, campaign: campaign.snapshot()! });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: 'failed', error: { name: e.name, message: e.message, retriable: e instanceof errors.KitError && e.retriable }, campaign: campaign.snapshot() });
  }
}
