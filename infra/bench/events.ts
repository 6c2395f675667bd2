/**
 * The bench's donations: the same seeded campaign, the same pinned clock, so that every
 * path (kcat, the kit's producer, the raw LOAD DATA file, the Connect sink) carries the
 * same events; and the envelope Kafka Connect's JSON converter needs to know column types.
 */
import { Campaign, transformDonation, type DonationEvent, type DonationRow } from '@donations/lib';

export const FIXED_TIME = new Date('2026-01-15T12:00:00Z');
export const BENCH_CLOCK = (): Date => FIXED_TIME;

/** The campaign startCampaign(db, { seed }) hands back for this id: its cities come from the seed alone. */
export function benchCampaign(id: number, seed: number, firstSequence = 1): Campaign {
  return new Campaign({ id, seed, cities: new Campaign({ id: 1, seed }).cities, firstSequence });
}

/**
 * Kafka Connect's JsonConverter with schemas.enable=true reads {schema, payload}: the sink
 * needs the schema to bind each column's type. The date stays the kit's text, which the
 * DATETIME column parses; the amount a double, as the kit's JSON carries it.
 */
const SCHEMA = JSON.stringify({
  type: 'struct',
  name: 'donation',
  optional: false,
  fields: [
    { field: 'transaction_id', type: 'int64', optional: false },
    { field: 'city', type: 'string', optional: false },
    { field: 'latitude', type: 'double', optional: true },
    { field: 'longitude', type: 'double', optional: true },
    { field: 'organization', type: 'string', optional: true },
    { field: 'transaction_date', type: 'string', optional: false },
    { field: 'total_amount', type: 'double', optional: false },
    { field: 'campaign_id', type: 'int32', optional: false },
    { field: 'is_campaign_active', type: 'int8', optional: true },
  ],
});

export function encodeEnvelope(event: DonationEvent): string {
  return `{"schema":${SCHEMA},"payload":${JSON.stringify(event)}}`;
}

/** `count` events of a campaign as table rows, through the pipeline's own transform. */
export function* campaignRows(campaign: Campaign, count: number, at: (i: number) => Date = BENCH_CLOCK): Generator<DonationRow> {
  for (let i = 0; i < count; i++) {
    const t = transformDonation(JSON.stringify(campaign.next(at(i))));
    if (!t.ok) throw new Error(`the generator made an event the pipeline refuses: ${t.reason}`);
    yield t.row as DonationRow;
  }
}
