/**
 * Producing a campaign and recording what the broker acknowledged, as one step: the
 * ledger's tally is what reconciliation checks the tables against, so it is recorded
 * even when the producer stops early (Ctrl-C, a notebook interrupt, a broker failure).
 * The producer runs in a thread of its own: the lessons load with a pipeline on this one.
 */
import type { Database } from '../database/database.js';
import type { KafkaClient } from '../kafka/client.js';
import type { ProduceOptions, ProduceSummary } from '../kafka/producer.js';
import { produceCampaignOffThread } from '../kafka/producer-thread.js';
import { recordProduced } from './ledger.js';

export async function produceDonations(handles: { db: Database; kafka: KafkaClient }, options: ProduceOptions): Promise<ProduceSummary> {
  const summary = await produceCampaignOffThread(handles.kafka, options);
  await recordProduced(handles.db, summary);
  return summary;
}
