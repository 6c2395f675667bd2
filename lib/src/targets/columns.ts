/**
 * The donation columns, described once: the tables' DDL, SingleStore's JSON mapping and its
 * procedure's QUERY types, the local pipeline's checks and writers all read this list.
 * transaction_id is BIGINT so that ids never collide.
 */
export interface DonationColumn {
  name: string;
  /** The SQL type, the same on every target. */
  type: string;
  /** NOT NULL: a message without it is rejected. */
  required: boolean;
  /** The table's DEFAULT, when it has one. */
  tableDefault?: string;
  /** VARCHAR(n): the longest text, in characters. */
  maxLength?: number;
  /** The range a number must fall in. */
  range?: readonly [min: number, max: number];
}

const varchar = (length: number) => ({ type: `VARCHAR(${length})`, maxLength: length });

export const DONATION_COLUMNS = [
  // JSON numbers beyond MAX_SAFE_INTEGER are not exact.
  { name: 'transaction_id', type: 'BIGINT', required: true, range: [1, Number.MAX_SAFE_INTEGER] },
  { name: 'city', ...varchar(50), required: true },
  { name: 'latitude', type: 'DECIMAL(9, 6)', required: false, range: [-90, 90] },
  { name: 'longitude', type: 'DECIMAL(9, 6)', required: false, range: [-180, 180] },
  { name: 'organization', ...varchar(50), required: false },
  { name: 'transaction_date', type: 'DATETIME', required: true },
  { name: 'total_amount', type: 'DECIMAL(10, 2)', required: true, range: [0.01, 99_999_999.99] },
  { name: 'campaign_id', type: 'INT', required: true, range: [1, 2_147_483_647] },
  { name: 'is_campaign_active', type: 'TINYINT(1)', required: false, tableDefault: '0' },
] as const satisfies readonly DonationColumn[];

export type DonationColumnName = (typeof DONATION_COLUMNS)[number]['name'];

export const DONATION_COLUMN_NAMES: readonly DonationColumnName[] = DONATION_COLUMNS.map((column) => column.name);

/** One column by name, for the checks that need its limits. */
export function donationColumn(name: DonationColumnName): DonationColumn {
  return DONATION_COLUMNS.find((column) => column.name === name)!;
}

/**
 * A column's definition. `table`: with NOT NULL and DEFAULT (a CREATE TABLE); `query`: the
 * type with NOT NULL only (a procedure's QUERY variable); `type`: the bare type.
 */
export function columnSql(column: DonationColumn, form: 'table' | 'query' | 'type' = 'table'): string {
  const notNull = column.required && form !== 'type' ? ' NOT NULL' : '';
  const fallback = column.tableDefault !== undefined && form === 'table' ? ` DEFAULT ${column.tableDefault}` : '';
  return `${column.name} ${column.type}${notNull}${fallback}`;
}

/**
 * What a message without the key becomes: NULL, or the column's DEFAULT; required columns
 * have none (such a message is rejected). SingleStore's JSON mapping writes it, and so does
 * the kit's local pipeline.
 */
export function missingValue(column: DonationColumn): string | undefined {
  return column.required ? undefined : (column.tableDefault ?? 'NULL');
}
