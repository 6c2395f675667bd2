/**
 * A donation message straight from its bytes to its TSV line, for the one shape the kit's
 * producer writes (donationJson: its keys in order, no whitespace, no escapes). Anything
 * else, or anything it is not sure of, it declines, and the message goes through
 * transformMessage, which checks every case and names the reason of a refusal. So an
 * accepted message gives exactly the line rowToTsv writes for transformMessage's row, and a
 * message transformMessage refuses is always declined (transform.fast.test.ts checks both).
 * JSON.parse, the checks on objects and the line built as a string were half of the
 * pipeline's time (npm run bench).
 */
import { isUtf8 } from 'node:buffer';
import { donationColumn } from '../targets/columns.js';

/** What the producer's JSON puts before each value, in order. */
const KEYS = ['transaction_id', 'city', 'latitude', 'longitude', 'organization', 'transaction_date', 'total_amount', 'campaign_id', 'is_campaign_active'].map((name, i) =>
  Buffer.from(`${i === 0 ? '{' : ','}"${name}":`, 'latin1'),
);
const [ID_KEY, CITY_KEY, LATITUDE_KEY, LONGITUDE_KEY, ORGANIZATION_KEY, DATE_KEY, AMOUNT_KEY, CAMPAIGN_KEY, ACTIVE_KEY] = KEYS as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const CLOSE = 0x7d;
const NULL_TEXT = Buffer.from('null', 'latin1');
const TRUE_TEXT = Buffer.from('true', 'latin1');
const FALSE_TEXT = Buffer.from('false', 'latin1');

const TEXT_BYTES = Math.min(donationColumn('city').maxLength!, donationColumn('organization').maxLength!);
const MAX_CAMPAIGN_ID = donationColumn('campaign_id').range![1];
/** transaction_id: 15 digits are always within MAX_SAFE_INTEGER (16 digits); longer ones go the long way. */
const ID_DIGITS = 15;
/** A double keeps 15 significant digits, so String(Number(text)) gives them back unchanged. */
const NUMBER_DIGITS = 15;
/** Integer parts below these are inside the column's range whatever the fraction. */
const LATITUDE_BELOW = donationColumn('latitude').range![1];
const LONGITUDE_BELOW = donationColumn('longitude').range![1];
const MAX_AMOUNT_INTEGER = Math.floor(donationColumn('total_amount').range![1]);

/** The last date accepted: a stream's donations share their second. */
const lastDate = Buffer.alloc(19);
let lastDateValid = false;

/**
 * Writes the message's TSV line (with its newline) into `out` at `at` and returns the new
 * position, or -1 when the message is not the producer's plain shape (nothing useful is
 * written then). `out` must have value.length + 1 bytes free at `at`: a line is never longer
 * than its message.
 */
export function writeDonationTsv(value: Buffer, out: Buffer, at: number): number {
  const end = value.length;
  let highBytes = false;
  let read = expect(value, 0, ID_KEY);
  if (read < 0) return -1;

  // transaction_id: 1..15 digits, no leading zero.
  let digits = 0;
  if (value[read] === ZERO) return -1;
  while (read < end && isDigit(value[read]!)) {
    out[at++] = value[read++]!;
    if (++digits > ID_DIGITS) return -1;
  }
  if (digits === 0) return -1;
  out[at++] = TAB;

  // city: required, not blank.
  read = expect(value, read, CITY_KEY);
  if (read < 0 || value[read] !== QUOTE) return -1;
  let stringEnd = plainString(value, read + 1);
  if (stringEnd < 0) return -1;
  let printable = false;
  for (let i = read + 1; i < stringEnd; i++) {
    const byte = value[i]!;
    if (byte >= 0x80) highBytes = true;
    else if (byte > 0x20 && byte < 0x7f) printable = true;
    out[at++] = byte;
  }
  if (!printable) return -1;
  read = stringEnd + 1;
  out[at++] = TAB;

  read = coordinate(value, expect(value, read, LATITUDE_KEY), out, at, LATITUDE_BELOW);
  if (read < 0) return -1;
  at = written;
  read = coordinate(value, expect(value, read, LONGITUDE_KEY), out, at, LONGITUDE_BELOW);
  if (read < 0) return -1;
  at = written;

  // organization: a string or null.
  read = expect(value, read, ORGANIZATION_KEY);
  if (read < 0) return -1;
  if (value[read] === QUOTE) {
    stringEnd = plainString(value, read + 1);
    if (stringEnd < 0) return -1;
    for (let i = read + 1; i < stringEnd; i++) {
      const byte = value[i]!;
      if (byte >= 0x80) highBytes = true;
      out[at++] = byte;
    }
    read = stringEnd + 1;
  } else {
    read = expect(value, read, NULL_TEXT);
    if (read < 0) return -1;
    out[at++] = BACKSLASH;
    out[at++] = 0x4e; // N
  }
  out[at++] = TAB;

  read = expect(value, read, DATE_KEY);
  if (read < 0 || value[read] !== QUOTE || value[read + 20] !== QUOTE || !date(value, read + 1)) return -1;
  for (let i = read + 1; i < read + 20; i++) out[at++] = value[i]!;
  read += 21;
  out[at++] = TAB;

  read = expect(value, read, AMOUNT_KEY);
  if (read < 0) return -1;
  read = amount(value, read, out, at);
  if (read < 0) return -1;
  at = written;
  out[at++] = TAB;

  // campaign_id: 1..2147483647.
  read = expect(value, read, CAMPAIGN_KEY);
  if (read < 0 || value[read] === ZERO) return -1;
  let campaign = 0;
  digits = 0;
  while (read < end && isDigit(value[read]!)) {
    campaign = campaign * 10 + (value[read]! - ZERO);
    out[at++] = value[read++]!;
    if (++digits > 10) return -1;
  }
  if (digits === 0 || campaign > MAX_CAMPAIGN_ID) return -1;
  out[at++] = TAB;

  read = expect(value, read, ACTIVE_KEY);
  if (read < 0) return -1;
  const flag = value[read]!;
  let active = -1;
  if ((flag === ZERO || flag === ZERO + 1) && value[read + 1] === CLOSE) {
    active = flag - ZERO;
    read += 1;
  } else {
    // At most one of the three words matches: the position after it, or -1 for none.
    const afterTrue = expect(value, read, TRUE_TEXT);
    const afterFalseOrNull = Math.max(expect(value, read, FALSE_TEXT), expect(value, read, NULL_TEXT));
    active = afterTrue >= 0 ? 1 : afterFalseOrNull >= 0 ? 0 : -1;
    read = Math.max(afterTrue, afterFalseOrNull);
  }
  if (active < 0 || read !== end - 1 || value[read] !== CLOSE) return -1;
  out[at++] = ZERO + active;
  out[at++] = NEWLINE;

  // Bytes past ASCII were copied as they are: they must be UTF-8, as the column's text.
  if (highBytes && !isUtf8(value)) return -1;
  return at;
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** The position after `text` when it comes at `read`, else -1. */
function expect(value: Buffer, read: number, text: Buffer): number {
  if (read < 0 || read + text.length > value.length) return -1;
  for (let i = 0; i < text.length; i++) if (value[read + i] !== text[i]) return -1;
  return read + text.length;
}

/**
 * The closing quote of a JSON string that starts at `from` and needs no decoding: no
 * escapes, no control bytes, at most TEXT_BYTES bytes (so at most as many characters). Else -1.
 */
function plainString(value: Buffer, from: number): number {
  const limit = Math.min(value.length, from + TEXT_BYTES + 1);
  for (let i = from; i < limit; i++) {
    const byte = value[i]!;
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH || byte < 0x20) return -1;
  }
  return -1;
}

/** Where the last number written ended in `out`. */
let written = 0;

/**
 * A JSON number `-?(0|[1-9]\d*)(\.\d+)?`, written as String(Number(text)) does: trailing
 * zeros of the fraction dropped. Declines exponents, more than NUMBER_DIGITS digits, -0 and
 * values below 1e-6 (String writes those with an exponent). Returns the read position after
 * it, the integer part in numberInteger, the fraction's kept digits in numberFraction.
 */
let numberInteger = 0;
let numberFraction = 0;
function plainNumber(value: Buffer, read: number, out: Buffer, at: number): number {
  const end = value.length;
  const negative = value[read] === MINUS;
  if (negative) out[at++] = value[read++]!;
  const integerStart = read;
  let integer = 0;
  while (read < end && isDigit(value[read]!)) integer = integer * 10 + (value[read++]! - ZERO);
  const integerDigits = read - integerStart;
  if (integerDigits === 0 || (integerDigits > 1 && value[integerStart] === ZERO) || integerDigits > NUMBER_DIGITS) return -1;
  // Byte loops, not Buffer.copy: for a few bytes its call cost more than the copy (npm run bench's profile).
  for (let i = integerStart; i < read; i++) out[at++] = value[i]!;
  let fractionKept = 0;
  if (value[read] === DOT) {
    const fractionStart = ++read;
    let lastNonZero = -1;
    while (read < end && isDigit(value[read]!)) {
      if (value[read] !== ZERO) lastNonZero = read;
      read++;
    }
    if (read === fractionStart) return -1;
    if (lastNonZero >= 0) {
      fractionKept = lastNonZero - fractionStart + 1;
      // 0.000000x and smaller: String() switches to an exponent.
      if (integer === 0 && lastNonZero - fractionStart >= 6 && leadingZeros(value, fractionStart) >= 6) return -1;
      out[at++] = DOT;
      for (let i = fractionStart; i <= lastNonZero; i++) out[at++] = value[i]!;
    }
  }
  const next = value[read];
  if (next === 0x65 || next === 0x45 || integerDigits + fractionKept > NUMBER_DIGITS) return -1;
  if (negative && integer === 0 && fractionKept === 0) return -1; // -0: String() drops the sign
  numberInteger = integer;
  numberFraction = fractionKept;
  written = at;
  return read;
}

function leadingZeros(value: Buffer, from: number): number {
  let count = 0;
  while (value[from + count] === ZERO) count++;
  return count;
}

/** latitude or longitude at `read` (-1: its key was not there): null, or a plain number whose integer part is below `below`; then a tab. */
function coordinate(value: Buffer, read: number, out: Buffer, at: number, below: number): number {
  if (read < 0) return -1;
  if (value[read] === 0x6e) {
    const after = expect(value, read, NULL_TEXT);
    if (after < 0) return -1;
    out[at++] = BACKSLASH;
    out[at++] = 0x4e; // N
    out[at++] = TAB;
    written = at;
    return after;
  }
  const after = plainNumber(value, read, out, at);
  if (after < 0 || numberInteger >= below) return -1;
  out[written++] = TAB;
  return after;
}

/** total_amount: a positive number with at most two decimals, inside the column. */
function amount(value: Buffer, read: number, out: Buffer, at: number): number {
  if (value[read] === MINUS) return -1;
  const after = plainNumber(value, read, out, at);
  if (after < 0 || numberFraction > 2 || numberInteger > MAX_AMOUNT_INTEGER) return -1;
  return numberInteger === 0 && numberFraction === 0 ? -1 : after;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD HH:MM:SS` at `from`, a real date from year 1000. */
function date(value: Buffer, from: number): boolean {
  if (lastDateValid && sameDate(value, from)) return true;
  const two = (at: number) => {
    const high = value[from + at]! - ZERO;
    const low = value[from + at + 1]! - ZERO;
    return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
  };
  if (value[from + 4] !== MINUS || value[from + 7] !== MINUS || value[from + 10] !== 0x20 || value[from + 13] !== 0x3a || value[from + 16] !== 0x3a) return false;
  const century = two(0);
  const yearInCentury = two(2);
  const month = two(5);
  const day = two(8);
  const hour = two(11);
  const minute = two(14);
  const second = two(17);
  if (century < 10 || yearInCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  const year = century * 100 + yearInCentury;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  for (let i = 0; i < 19; i++) lastDate[i] = value[from + i]!;
  lastDateValid = true;
  return true;
}

function sameDate(value: Buffer, from: number): boolean {
  // From the end: the seconds change first.
  for (let i = 18; i >= 0; i--) if (value[from + i] !== lastDate[i]) return false;
  return true;
}
