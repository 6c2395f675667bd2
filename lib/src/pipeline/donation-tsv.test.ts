import { describe, expect, it } from 'vitest';
import { CITIES, Campaign, createRandom, donationJson, type DonationEvent } from '../campaigns/generator.js';
import { writeDonationTsv } from './donation-tsv.js';
import { rowToTsv, transformMessage } from './transform.js';

/** The line the long way gives (transformMessage, then rowToTsv), or null when it refuses the message. */
function referenceLine(value: Buffer): string | null {
  const result = transformMessage(value, 'donations-json');
  return result.ok ? `${rowToTsv(result.row)}\n` : null;
}

/** The fast path's line, or null when it declines. */
function fastLine(value: Buffer): string | null {
  const out = Buffer.alloc(value.length + 1);
  const end = writeDonationTsv(value, out, 0);
  return end < 0 ? null : out.toString('utf8', 0, end);
}

const base: DonationEvent = new Campaign({ id: 7, seed: 11 }).next(new Date('2026-05-01T10:00:00Z'));
const message = (event: Record<string, unknown>) => Buffer.from(JSON.stringify(event));
const withField = (field: string, value: unknown) => message({ ...base, [field]: value });

describe('writeDonationTsv', () => {
  it("gives the long way's line for every donation the producer writes, in all 20 cities", () => {
    const seen = new Set<string>();
    let checked = 0;
    for (let id = 1; id <= 60; id++) {
      const campaign = new Campaign({ id, seed: id * 31 });
      let at = Date.parse('2026-03-01T08:00:00Z');
      for (let i = 0; i < 200; i++) {
        at += 137;
        const value = Buffer.from(donationJson(campaign.next(new Date(at))));
        const fast = fastLine(value);
        expect(fast, value.toString()).not.toBeNull();
        expect(fast).toBe(referenceLine(value));
        seen.add(fast!.split('\t')[1]!);
        checked++;
      }
    }
    expect(checked).toBe(12_000);
    expect([...seen].sort()).toEqual(CITIES.map((c) => c.city).sort());
  });

  it('writes at the position given and returns the position after the newline', () => {
    const value = Buffer.from(donationJson(base));
    const out = Buffer.alloc(10 + value.length + 1, 0x23);
    const end = writeDonationTsv(value, out, 10);
    expect(out.subarray(0, 10).toString()).toBe('##########');
    expect(out.toString('utf8', 10, end)).toBe(referenceLine(value));
  });

  it.each([
    ['null coordinates and organization', { latitude: null, longitude: null, organization: null }],
    ['true', { is_campaign_active: true }],
    ['false', { is_campaign_active: false }],
    ['null flag', { is_campaign_active: null }],
    ['0', { is_campaign_active: 0 }],
    ['negative coordinates', { latitude: -89.999999, longitude: -179.5 }],
    ['small fractions', { latitude: 0.000001, longitude: 0.5 }],
    ['whole amounts', { total_amount: 100 }],
    ['the largest amount', { total_amount: 99_999_999.99 }],
    ['a one-cent amount', { total_amount: 0.01 }],
    ['a long name of 50 bytes', { city: 'x'.repeat(50) }],
    ['a leap day', { transaction_date: '2024-02-29 23:59:59' }],
    ['the year 1000', { transaction_date: '1000-01-01 00:00:00' }],
    ['the largest campaign id', { campaign_id: 2_147_483_647 }],
    ['a 15-digit id', { transaction_id: 999_999_999_999_999 }],
  ])('accepts %s, with the same line', (_name, fields) => {
    const value = message({ ...base, ...fields });
    expect(fastLine(value)).not.toBeNull();
    expect(fastLine(value)).toBe(referenceLine(value));
  });

  it('accepts trailing zeros in a fraction and writes the number as the long way does', () => {
    const value = Buffer.from(donationJson(base).replace(/"latitude":[^,]+/, '"latitude":49.8940').replace(/"total_amount":[^,]+/, '"total_amount":12.50'));
    expect(fastLine(value)).toContain('\t49.894\t');
    expect(fastLine(value)).toContain('\t12.5\t');
    expect(fastLine(value)).toBe(referenceLine(value));
  });

  it.each([
    ['an ISO date', withField('transaction_date', '2026-05-01T10:00:00Z')],
    ['a date with fractions', withField('transaction_date', '2026-05-01 10:00:00.5')],
    ['an amount as a string', withField('total_amount', '12.50')],
    ['an id as a string', withField('transaction_id', '42')],
    ['a flag as a string', withField('is_campaign_active', '1')],
    ['an extra field', message({ ...base, referrer: 'newsletter' })],
    ['fields in another order', message({ city: base.city, transaction_id: base.transaction_id, latitude: base.latitude, longitude: base.longitude, organization: base.organization, transaction_date: base.transaction_date, total_amount: base.total_amount, campaign_id: base.campaign_id, is_campaign_active: base.is_campaign_active })],
    ['whitespace', Buffer.from(JSON.stringify(base, null, 1))],
    ['an escaped quote', withField('organization', 'Aid "Now"')],
    ['an escaped backslash', withField('city', 'A\\B')],
    ['a tab in a name', withField('city', 'A\tB')],
    ['a city of spaces', withField('city', '   ')],
    ['an exponent', Buffer.from(donationJson(base).replace(/"latitude":[^,]+/, '"latitude":4.5e1'))],
    ['-0', Buffer.from(donationJson(base).replace(/"longitude":[^,]+/, '"longitude":-0'))],
    ['a tiny coordinate', withField('latitude', 1e-7)],
    ['a 16-digit id', withField('transaction_id', 1_234_567_890_123_456)],
    ['a leading zero', Buffer.from(donationJson(base).replace(/"campaign_id":\d+/, '"campaign_id":07'))],
    ['a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(donationJson(base))])],
    ['a byte after the object', Buffer.from(`${donationJson(base)} `)],
    ['three decimals in the amount', withField('total_amount', 12.345)],
  ])('declines %s, which the long way handles', (_name, value) => {
    expect(fastLine(value)).toBeNull();
  });

  it.each([
    ['February 29th of 2026', withField('transaction_date', '2026-02-29 10:00:00')],
    ['April 31st', withField('transaction_date', '2026-04-31 10:00:00')],
    ['hour 24', withField('transaction_date', '2026-05-01 24:00:00')],
    ['the year 999', withField('transaction_date', '0999-05-01 10:00:00')],
    ['latitude 90.5', withField('latitude', 90.5)],
    ['longitude -180.25', withField('longitude', -180.25)],
    ['a zero amount', withField('total_amount', 0)],
    ['a negative amount', withField('total_amount', -5)],
    ['an amount past the column', withField('total_amount', 100_000_000)],
    ['campaign 0', withField('campaign_id', 0)],
    ['campaign 2^31', withField('campaign_id', 2_147_483_648)],
    ['transaction 0', withField('transaction_id', 0)],
    ['a city of 51 bytes', withField('city', 'x'.repeat(51))],
    ['a flag of 2', withField('is_campaign_active', 2)],
    ['invalid UTF-8', Buffer.from(donationJson(base).replace(base.city, 'Caf\u00e9')).fill(0xff, 30, 31)],
    ['a cut message', Buffer.from(donationJson(base).slice(0, -1))],
  ])('declines %s, which the long way refuses', (_name, value) => {
    expect(referenceLine(value)).toBeNull();
    expect(fastLine(value)).toBeNull();
  });

  it('never differs from the long way on damaged messages: it declines, or gives the same line', () => {
    const random = createRandom(2026);
    const campaign = new Campaign({ id: 3, seed: 5 });
    const bytes = Buffer.from('0123456789-.,:"{}\\ eE\t\u00e9nultrfasN', 'utf8');
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = Buffer.from(donationJson(campaign.next(new Date(Date.UTC(2026, 0, 1, 0, 0, i)))));
      const changes = 1 + Math.floor(random() * 3);
      for (let c = 0; c < changes; c++) {
        const at = Math.floor(random() * value.length);
        const draw = random();
        // A digit for a digit keeps the shape and moves the value (ranges, dates, lengths); the rest break it.
        if (draw < 0.5 && value[at]! >= 0x30 && value[at]! <= 0x39) value[at] = 0x30 + Math.floor(random() * 10);
        else value[at] = draw < 0.6 ? Math.floor(random() * 256) : bytes[Math.floor(random() * bytes.length)]!;
      }
      const reference = referenceLine(value);
      const fast = fastLine(value);
      if (fast !== null) {
        accepted++;
        expect(fast, value.toString('latin1')).toBe(reference);
      }
      if (reference === null) refused++;
    }
    // The mutations reach both sides of the line: many are refused, some still load.
    expect(refused).toBeGreaterThan(1_000);
    expect(accepted).toBeGreaterThan(800);
  });
});
