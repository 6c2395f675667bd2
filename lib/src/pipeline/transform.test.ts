import { describe, expect, it } from 'vitest';
import { rowToTsv, transformMessage } from './transform.js';
import { Campaign } from '../campaigns/generator.js';

const event = new Campaign({ id: 2, seed: 3 }).next(new Date('2026-05-01T10:00:00Z'));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('transformMessage (donations-json)', () => {
  it('turns a producer event into a row in column order', () => {
    const result = transformMessage(json(event), 'donations-json');
    expect(result).toEqual({
      ok: true,
      row: [event.transaction_id, event.city, event.latitude, event.longitude, event.organization, '2026-05-01 10:00:00', event.total_amount, 2, 1],
    });
  });

  it('ignores unexpected extra fields, as a JSON mapping does', () => {
    expect(transformMessage(json({ ...event, referrer: 'newsletter' }), 'donations-json').ok).toBe(true);
  });

  it('accepts ISO dates in UTC and null coordinates', () => {
    const result = transformMessage(json({ ...event, transaction_date: '2026-05-01T10:00:00.123Z', latitude: null, longitude: null }), 'donations-json');
    expect(result.ok && result.row[5]).toBe('2026-05-01 10:00:00');
    expect(result.ok && result.row[2]).toBeNull();
  });

  it.each([
    ['empty', null, 'empty'],
    ['zero bytes', Buffer.alloc(0), 'empty'],
    ['invalid JSON', Buffer.from('{"transaction_id": 1,'), 'invalid-json'],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x81]), 'bad-encoding'],
    ['an array', json([event]), 'not-an-object'],
    ['a number', Buffer.from('42'), 'not-an-object'],
    ['missing id', json({ ...event, transaction_id: undefined }), 'missing-field'],
    ['null id', json({ ...event, transaction_id: null }), 'missing-field'],
    ['id as text', json({ ...event, transaction_id: 'abc' }), 'wrong-type'],
    ['fractional id', json({ ...event, transaction_id: 1.5 }), 'wrong-type'],
    ['negative amount', json({ ...event, total_amount: -5 }), 'out-of-range'],
    ['zero amount', json({ ...event, total_amount: 0 }), 'out-of-range'],
    ['huge amount', json({ ...event, total_amount: 1e12 }), 'out-of-range'],
    ['amount as word', json({ ...event, total_amount: 'ten' }), 'wrong-type'],
    ['missing city', json({ ...event, city: undefined }), 'missing-field'],
    ['city as number', json({ ...event, city: 7 }), 'wrong-type'],
    ['too-long city', json({ ...event, city: 'x'.repeat(51) }), 'too-long'],
    ['too-long organization', json({ ...event, organization: 'y'.repeat(200) }), 'too-long'],
    ['latitude out of range', json({ ...event, latitude: 123 }), 'out-of-range'],
    ['wrong date format', json({ ...event, transaction_date: '01/05/2026 10:00' }), 'bad-date'],
    ['impossible date', json({ ...event, transaction_date: '2026-02-30 10:00:00' }), 'bad-date'],
    ['date as number', json({ ...event, transaction_date: 1714557600 }), 'wrong-type'],
    ['campaign id too large', json({ ...event, campaign_id: 2 ** 40 }), 'out-of-range'],
    ['bad active flag', json({ ...event, is_campaign_active: 'maybe' }), 'wrong-type'],
  ])('rejects %s with a reason', (_, value, kind) => {
    const result = transformMessage(value as Buffer | null, 'donations-json');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.kind).toBe(kind);
      expect(result.reason.length).toBeGreaterThan(5);
    }
  });

  it('checks every date, also right after one it accepted (the last accepted is remembered)', () => {
    const at = (date: unknown) => transformMessage(json({ ...event, transaction_date: date }), 'donations-json');
    expect(at('2026-05-01 10:00:00').ok).toBe(true);
    expect(at('2026-05-01 10:00:00').ok).toBe(true);
    for (const bad of ['', '2026-02-30 10:00:00', '2026-05-01 10:00', 20260501]) expect(at(bad).ok).toBe(false);
    expect(at('2026-05-01T10:00:00Z')).toMatchObject({ ok: true, row: expect.arrayContaining(['2026-05-01 10:00:00']) });
  });

  it('names the field and the value it refused', () => {
    const result = transformMessage(json({ ...event, total_amount: -5 }), 'donations-json');
    expect(result).toEqual({ ok: false, kind: 'out-of-range', reason: 'total_amount -5 is outside 0.01..99999999.99' });
  });

  it('counts characters, not bytes, against VARCHAR(50)', () => {
    expect(transformMessage(json({ ...event, city: 'é'.repeat(50) }), 'donations-json').ok).toBe(true);
  });
});

describe('transformMessage (lines)', () => {
  it('keeps the message whole', () => {
    expect(transformMessage(Buffer.from('Wed Nov 25 11:00:00 UTC 2026'), 'lines')).toEqual({ ok: true, row: ['Wed Nov 25 11:00:00 UTC 2026'] });
  });
});

describe('rowToTsv', () => {
  it('escapes tabs, newlines and backslashes, and writes NULL as \\N', () => {
    expect(rowToTsv([1, 'a\tb\nc\\d', null, null, 'Org', '2026-01-01 00:00:00', 5, 2, 1])).toBe('1\ta\\tb\\nc\\\\d\t\\N\t\\N\tOrg\t2026-01-01 00:00:00\t5\t2\t1');
  });
});
