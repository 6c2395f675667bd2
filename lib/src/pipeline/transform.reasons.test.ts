// What the errors table says of each refused message, word for word, and where each
// range ends: the reasons a presenter reads in `npm run pipeline -- --status`.
import { describe, expect, it } from 'vitest';
import { rowToTsv, transformMessage, type Transformed } from './transform.js';

const event = {
  transaction_id: 2_000_000_001,
  city: 'Brest',
  latitude: 48.3904,
  longitude: -4.4861,
  organization: 'SmileFund',
  transaction_date: '2026-05-01 10:00:00',
  total_amount: 7,
  campaign_id: 2,
  is_campaign_active: 1,
};
const ROW = [2_000_000_001, 'Brest', 48.3904, -4.4861, 'SmileFund', '2026-05-01 10:00:00', 7, 2, 1];
const transform = (change: Record<string, unknown>): Transformed => transformMessage(Buffer.from(JSON.stringify({ ...event, ...change })), 'donations-json');
const refused = (kind: string, reason: string) => ({ ok: false, kind, reason });
const loaded = (change: Record<number, unknown>) => ({ ok: true, row: ROW.map((value, i) => (i in change ? change[i] : value)) });

describe('the reason of each refusal', () => {
  it.each<[string, Buffer | null, ReturnType<typeof refused>]>([
    ['no value', null, refused('empty', 'empty message (no value)')],
    ['zero bytes', Buffer.alloc(0), refused('empty', 'empty message (no value)')],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), refused('bad-encoding', 'message is not valid UTF-8')],
    ['an array', Buffer.from('[1]'), refused('not-an-object', 'expected a JSON object, got an array')],
    ['null', Buffer.from('null'), refused('not-an-object', 'expected a JSON object, got null')],
    ['a number', Buffer.from('42'), refused('not-an-object', 'expected a JSON object, got number')],
    ['a string', Buffer.from('"gift"'), refused('not-an-object', 'expected a JSON object, got string')],
  ])('%s', (_, value, expected) => {
    expect(transformMessage(value, 'donations-json')).toEqual(expected);
  });

  it('quotes the parser on invalid JSON, at most 200 characters of it', () => {
    const result = transformMessage(Buffer.from(`{"a": ${'x'.repeat(500)}`), 'donations-json');
    expect(result).toMatchObject({ ok: false, kind: 'invalid-json' });
    const reason = (result as { reason: string }).reason;
    expect(reason.startsWith('invalid JSON: ')).toBe(true);
    expect(reason.length).toBeLessThanOrEqual('invalid JSON: '.length + 200);
    expect(reason.length).toBeGreaterThan('invalid JSON: '.length);
  });

  it.each<[Record<string, unknown>, ReturnType<typeof refused>]>([
    [{ transaction_id: undefined }, refused('missing-field', 'transaction_id is missing')],
    [{ transaction_id: 0 }, refused('out-of-range', 'transaction_id 0 is outside 1..9007199254740991')],
    [{ transaction_id: 2 ** 53 }, refused('out-of-range', 'transaction_id 9007199254740992 is outside 1..9007199254740991')],
    [{ transaction_id: '12a' }, refused('wrong-type', 'transaction_id must be a whole number, got "12a"')],
    [{ transaction_id: true }, refused('wrong-type', 'transaction_id must be a whole number, got true')],
    [{ city: null }, refused('missing-field', 'city is missing')],
    [{ city: '  ' }, refused('missing-field', 'city is empty')],
    [{ city: ['Brest'] }, refused('wrong-type', 'city must be a string, got ["Brest"]')],
    [{ city: 'x'.repeat(51) }, refused('too-long', 'city is 51 characters, the column holds 50')],
    [{ organization: 5 }, refused('wrong-type', 'organization must be a string, got 5')],
    [{ organization: 'y'.repeat(60) }, refused('too-long', 'organization is 60 characters, the column holds 50')],
    [{ latitude: '48.1' }, refused('wrong-type', 'latitude must be a number, got "48.1"')],
    [{ latitude: 90.5 }, refused('out-of-range', 'latitude 90.5 is outside -90..90')],
    [{ latitude: -90.5 }, refused('out-of-range', 'latitude -90.5 is outside -90..90')],
    [{ longitude: 180.5 }, refused('out-of-range', 'longitude 180.5 is outside -180..180')],
    [{ longitude: -181 }, refused('out-of-range', 'longitude -181 is outside -180..180')],
    [{ transaction_date: undefined }, refused('missing-field', 'transaction_date is missing')],
    [{ transaction_date: null }, refused('missing-field', 'transaction_date is missing')],
    [{ transaction_date: 1714557600 }, refused('wrong-type', 'transaction_date must be a string, got 1714557600')],
    [{ transaction_date: '2026-05-01' }, refused('bad-date', 'transaction_date "2026-05-01" is not YYYY-MM-DD HH:MM:SS (UTC)')],
    [{ transaction_date: '2026-05-01 10:00:00+02:00' }, refused('bad-date', 'transaction_date "2026-05-01 10:00:00+02:00" is not YYYY-MM-DD HH:MM:SS (UTC)')],
    [{ transaction_date: '2026-13-01 10:00:00' }, refused('bad-date', 'transaction_date "2026-13-01 10:00:00" is not a real date')],
    [{ transaction_date: '2026-04-31 10:00:00' }, refused('bad-date', 'transaction_date "2026-04-31 10:00:00" is not a real date')],
    [{ transaction_date: '2026-05-01 24:00:00' }, refused('bad-date', 'transaction_date "2026-05-01 24:00:00" is not a real date')],
    [{ transaction_date: '2026-05-01 10:60:00' }, refused('bad-date', 'transaction_date "2026-05-01 10:60:00" is not a real date')],
    [{ transaction_date: '2026-05-01 10:00:60' }, refused('bad-date', 'transaction_date "2026-05-01 10:00:60" is not a real date')],
    [{ transaction_date: '0999-05-01 10:00:00' }, refused('bad-date', 'transaction_date "0999-05-01 10:00:00" is not a real date')],
    [{ total_amount: undefined }, refused('missing-field', 'total_amount is missing')],
    [{ total_amount: null }, refused('missing-field', 'total_amount is missing')],
    [{ total_amount: '1e3' }, refused('wrong-type', 'total_amount must be a number, got "1e3"')],
    [{ total_amount: 'z'.repeat(60) }, refused('wrong-type', `total_amount must be a number, got "${'z'.repeat(39)}...`)],
    // 40 characters once quoted: shown whole.
    [{ total_amount: 'z'.repeat(38) }, refused('wrong-type', `total_amount must be a number, got "${'z'.repeat(38)}"`)],
    [{ total_amount: 0 }, refused('out-of-range', 'total_amount 0 is outside 0.01..99999999.99')],
    [{ total_amount: '-3' }, refused('out-of-range', 'total_amount -3 is outside 0.01..99999999.99')],
    [{ total_amount: 100_000_000 }, refused('out-of-range', 'total_amount 100000000 is outside 0.01..99999999.99')],
    [{ campaign_id: undefined }, refused('missing-field', 'campaign_id is missing')],
    [{ campaign_id: 0 }, refused('out-of-range', 'campaign_id 0 is outside 1..2147483647')],
    [{ campaign_id: 2_147_483_648 }, refused('out-of-range', 'campaign_id 2147483648 is outside 1..2147483647')],
    [{ is_campaign_active: 2 }, refused('wrong-type', 'is_campaign_active must be 0 or 1, got 2')],
    [{ is_campaign_active: 'yes' }, refused('wrong-type', 'is_campaign_active must be 0 or 1, got "yes"')],
  ])('%j', (change, expected) => {
    expect(transform(change)).toEqual(expected);
  });
});

describe('what loads, up to each end of a range', () => {
  it.each<[Record<string, unknown>, Record<number, unknown>]>([
    [{ transaction_id: 1 }, { 0: 1 }],
    [{ transaction_id: '42' }, { 0: 42 }],
    [{ transaction_id: 2 ** 53 - 1 }, { 0: 9_007_199_254_740_991 }],
    [{ city: 'é'.repeat(50) }, { 1: 'é'.repeat(50) }],
    [{ city: '🏙️'.repeat(25) }, { 1: '🏙️'.repeat(25) }],
    [{ latitude: 90, longitude: -180 }, { 2: 90, 3: -180 }],
    [{ latitude: -90, longitude: 180 }, { 2: -90, 3: 180 }],
    [{ latitude: null, longitude: undefined }, { 2: null, 3: null }],
    [{ organization: null }, { 4: null }],
    [{ organization: '' }, { 4: '' }],
    [{ transaction_date: '2026-05-01T10:00:00Z' }, {}],
    [{ transaction_date: '2026-05-01 10:00:00.123456' }, {}],
    [{ transaction_date: '2026-05-01T10:00:00+00:00' }, {}],
    [{ transaction_date: '2026-05-01T10:00:00-0000' }, {}],
    [{ transaction_date: '2028-02-29 23:59:59' }, { 5: '2028-02-29 23:59:59' }],
    [{ transaction_date: '1000-01-01 00:00:00' }, { 5: '1000-01-01 00:00:00' }],
    [{ total_amount: 0.01 }, { 6: 0.01 }],
    [{ total_amount: 99_999_999.99 }, { 6: 99_999_999.99 }],
    [{ total_amount: '12.50' }, { 6: 12.5 }],
    [{ total_amount: 7.5 }, { 6: 7.5 }],
    [{ campaign_id: 2_147_483_647 }, { 7: 2_147_483_647 }],
    [{ campaign_id: '9' }, { 7: 9 }],
    [{ is_campaign_active: true }, { 8: 1 }],
    [{ is_campaign_active: '1' }, { 8: 1 }],
    [{ is_campaign_active: 0 }, { 8: 0 }],
    [{ is_campaign_active: false }, { 8: 0 }],
    [{ is_campaign_active: '0' }, { 8: 0 }],
    [{ is_campaign_active: null }, { 8: 0 }],
    [{ is_campaign_active: undefined }, { 8: 0 }],
  ])('%j', (change, row) => {
    expect(transform(change)).toEqual(loaded(row));
  });

  it('loads a message that holds the replacement character itself, validly encoded', () => {
    expect(transform({ city: 'Br\uFFFDst' })).toEqual(loaded({ 1: 'Br\uFFFDst' }));
    expect(transformMessage(Buffer.from('line with \uFFFD'), 'lines')).toEqual({ ok: true, row: ['line with \uFFFD'] });
    expect(transformMessage(Buffer.from([0x6c, 0xff]), 'lines')).toEqual(refused('bad-encoding', 'message is not valid UTF-8'));
    expect(transformMessage(null, 'lines')).toEqual(refused('empty', 'empty message (no value)'));
  });
});

describe('rowToTsv', () => {
  it('escapes carriage returns and NUL bytes too, and leaves plain text alone', () => {
    expect(rowToTsv(['a\rb\0c'])).toBe('a\\rb\\0c');
    expect(rowToTsv(['plain text, with "quotes"'])).toBe('plain text, with "quotes"');
    expect(rowToTsv([3, 'x', 1.5, -2, null, '2026-01-01 00:00:00', 0.01, 7, 0])).toBe('3\tx\t1.5\t-2\t\\N\t2026-01-01 00:00:00\t0.01\t7\t0');
  });
});
