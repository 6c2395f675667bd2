/**
 * Producing a campaign and recording what the broker acknowledged, as one step: the
 * ledger's tally is what reconciliation checks the tables against, so it is recorded
 * even when the producer stops early (Ctrl-C, a notebook interrupt, a broker failure).
 */
import type { Database } from '../database/database.js';
import type { KafkaClient } from '../kafka/client.js';
import { produceCampaign, type ProduceOptions, type ProduceSummary } from '../kafka/producer.js';
import { recordProduced } from './ledger.js';

export async function produceDonations(handles: { db: Database; kafka: KafkaClient }, options: ProduceOptions): Promise<ProduceSummary> {
  const summary = await produceCampaign(handles.kafka, options);
  await recordProduced(handles.db, summary);
  return summary;
}
