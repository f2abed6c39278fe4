import type { CostSource } from '../types/chat.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import type { UsageRecord, UsageStatus } from '../types/usage-record.ts';
import type { CheckedUsageQuery } from '../usage/check-usage-query.ts';
import { usdToNanoUsd } from '../usage/money-sum.ts';
import { USAGE_RECORD_BOUNDS } from '../usage/read-usage-record.ts';
import { USAGE_RECORD_COLUMN_FIELDS } from '../usage/usage-record-columns.ts';

/** A record as the values of `insertUsageRecords()`'s columns, checked and converted in `record()`. */
export type UsageRow = readonly unknown[];

/** Columns written, in order, with the array type `unnest` reads them as. */
const COLUMNS: readonly (readonly [column: string, arrayType: string])[] = [
  ['id', 'text[]'],
  ['call_id', 'text[]'],
  ['started_at', 'float8[]'],
  ['finished_at', 'float8[]'],
  ['user_id', 'text[]'],
  ['key_id', 'text[]'],
  ['provider', 'text[]'],
  ['model', 'text[]'],
  ['gateway', 'text[]'],
  ['input_tokens', 'int8[]'],
  ['output_tokens', 'int8[]'],
  ['cached_input_tokens', 'int8[]'],
  ['cost_usd', 'float8[]'],
  ['cost_nano_usd', 'int8[]'],
  ['cost_source', 'text[]'],
  ['latency_ms', 'float8[]'],
  ['time_to_first_token_ms', 'float8[]'],
  ['attempts', 'int4[]'],
  ['fallback', 'bool[]'],
  ['tags', 'text[]'],
  ['status', 'text[]'],
  ['error_kind', 'text[]'],
  ['stream', 'bool[]'],
  ['extra', 'text[]'],
];

const STATUSES: readonly UsageStatus[] = ['ok', 'error', 'aborted'];
const COST_SOURCES: readonly CostSource[] = ['gateway', 'catalog', 'estimated', 'none'];

/**
 * One statement for a whole batch: every column as one array parameter, spread back into rows by
 * `unnest`, in the order given (so `seq` follows `record()` order). A record whose `id` is already
 * stored, or appears earlier in the batch, is skipped.
 */
export function insertUsageRecordsSql(table: string): string {
  const names = COLUMNS.map(([column]) => column);
  const arrays = COLUMNS.map(([, type], index) => `$${index + 1}::${type}`);
  // tags arrive as array literals (a ragged array cannot be one parameter), extra as JSON text.
  const select = names.map((name) =>
    name === 'tags' ? 'tags::text[]' : name === 'extra' ? 'extra::jsonb' : name,
  );
  return `INSERT INTO ${table} (${names.join(', ')}) SELECT ${select.join(', ')} FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS batch(${names.join(', ')}, position) ORDER BY position ON CONFLICT (id) DO NOTHING`;
}

/** The parameters of `insertUsageRecordsSql()` for these rows: one array per column. */
export function usageRowsToColumns(rows: readonly UsageRow[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => new Array(rows.length));
  for (let row = 0; row < rows.length; row++) {
    const values = rows[row] as UsageRow;
    for (let column = 0; column < columns.length; column++)
      (columns[column] as unknown[])[row] = values[column];
  }
  return columns;
}

/** Every column of a stored record, for `rowToUsageRecord()` (rows as arrays). */
export function selectUsageRecordsSql(table: string): string {
  return `SELECT id, call_id, started_at, finished_at, user_id, key_id, provider, model, gateway, input_tokens::float8, output_tokens::float8, cached_input_tokens::float8, cost_usd, cost_source, latency_ms, time_to_first_token_ms, attempts, fallback, tags, status, error_kind, stream, extra FROM ${table}`;
}

const optional = (value: unknown): unknown => (value === null ? undefined : value);

/** A row of `selectUsageRecordsSql()` back to the record that was written. */
export function rowToUsageRecord(row: readonly unknown[]): UsageRecord {
  const record: UsageRecord = {
    id: row[0] as string,
    callId: row[1] as string,
    startedAt: row[2] as number,
    finishedAt: row[3] as number,
    user: optional(row[4]) as string | undefined,
    keyId: optional(row[5]) as string | undefined,
    provider: optional(row[6]) as ProviderId | undefined,
    model: optional(row[7]) as string | undefined,
    gateway: optional(row[8]) as GatewayId | undefined,
    inputTokens: row[9] as number,
    outputTokens: row[10] as number,
    cachedInputTokens: row[11] as number,
    costUsd: row[12] as number,
    costSource: row[13] as CostSource,
    latencyMs: row[14] as number,
    timeToFirstTokenMs: optional(row[15]) as number | undefined,
    attempts: row[16] as number,
    fallback: row[17] as boolean,
    tags: row[18] as string[],
    status: row[19] as UsageStatus,
    errorKind: optional(row[20]) as UsageRecord['errorKind'],
    stream: row[21] as boolean,
  };
  const extra = row[22] as Record<string, unknown> | null | undefined;
  if (extra === null || extra === undefined) return record;
  // `tags` in extra: the tags as recorded, when they repeat one (the column holds each once).
  const { tags, ...fields } = extra;
  return { ...fields, ...record, ...(Array.isArray(tags) ? { tags: tags as string[] } : {}) };
}

/** Why a record cannot be a row; caught in `usageRecordToRow`. */
class Unstorable extends Error {}

function invalid(field: string, expected: string): Unstorable {
  return new Unstorable(field ? `${field} must be ${expected}` : `it must be ${expected}`);
}

// PostgreSQL text cannot hold U+0000.
const hasNul = (text: string): boolean => text.includes('\0');

function text(record: UsageRecord, field: keyof UsageRecord, required: boolean): string | null {
  const value = record[field];
  if ((value === undefined || value === null) && !required) return null;
  if (typeof value !== 'string' || hasNul(value))
    throw invalid(
      field,
      required ? 'text without NUL characters' : 'text without NUL characters, or nothing',
    );
  return value;
}

function oneOf(record: UsageRecord, field: keyof UsageRecord, values: readonly string[]): string {
  const value = record[field];
  if (typeof value !== 'string' || !values.includes(value))
    throw invalid(field, `one of ${values.join(', ')}`);
  return value;
}

/** A number from `min` to `max` (a whole one with `whole`); NaN is never in range. */
function bounded(
  record: UsageRecord,
  field: keyof UsageRecord,
  min: number,
  max: number,
  expected: string,
  whole = false,
): number {
  const value = record[field];
  if (typeof value !== 'number' || !(value >= min && value <= max) || (whole && !Number.isInteger(value)))
    throw invalid(field, expected);
  return value;
}

const tokens = (record: UsageRecord, field: keyof UsageRecord): number =>
  bounded(
    record,
    field,
    0,
    USAGE_RECORD_BOUNDS.maxTokens,
    `an integer from 0 to ${USAGE_RECORD_BOUNDS.maxTokens}`,
    true,
  );

function flag(record: UsageRecord, field: keyof UsageRecord): boolean {
  const value = record[field];
  if (typeof value !== 'boolean') throw invalid(field, 'true or false');
  return value;
}

/**
 * Converts a record to its row, or says why the table cannot hold it (the first field at fault), so
 * such a record is refused by its own `record()` call instead of failing a whole batch later.
 * Checks what a report does not (`checkUsageRecord` runs first): text without NUL characters (which
 * PostgreSQL text cannot hold), a non-empty `id`, booleans, JSON-serialisable extra fields. Never
 * throws.
 */
export function usageRecordToRow(record: UsageRecord): UsageRow | { readonly invalid: string } {
  try {
    return toRow(record);
  } catch (error) {
    if (error instanceof Unstorable) return { invalid: error.message };
    return { invalid: 'a field cannot be read' };
  }
}

// Every value is checked here, as it is read into the row, even after `checkUsageRecord`: a getter
// may answer differently the second time, and a row outside the table's CHECK constraint would fail
// its whole batch on every retry.
function toRow(record: UsageRecord): UsageRow {
  if (typeof record !== 'object' || record === null) throw invalid('', 'a UsageRecord object');
  const id = text(record, 'id', true) as string;
  if (id.length === 0) throw invalid('id', 'non-empty text');
  const tags = record.tags;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && !hasNul(tag)))
    throw invalid('tags', 'an array of text without NUL characters');
  // Each tag once in the column, so reports group without removing repeats record by record.
  const distinct = [...new Set(tags)];
  const { maxAbsoluteTimeMs, maxCostUsd, maxLatencyMs } = USAGE_RECORD_BOUNDS;
  const costUsd = bounded(record, 'costUsd', 0, maxCostUsd, `USD from 0 to ${maxCostUsd}`);
  const timeToFirstToken = record.timeToFirstTokenMs;
  if (timeToFirstToken !== undefined && timeToFirstToken !== null && !Number.isFinite(timeToFirstToken))
    throw invalid('timeToFirstTokenMs', 'a number of ms or nothing');
  return [
    id,
    text(record, 'callId', true),
    bounded(record, 'startedAt', -maxAbsoluteTimeMs, maxAbsoluteTimeMs, 'a time in ms since the epoch'),
    bounded(record, 'finishedAt', -Number.MAX_VALUE, Number.MAX_VALUE, 'a time in ms since the epoch'),
    text(record, 'user', false),
    text(record, 'keyId', false),
    text(record, 'provider', false),
    text(record, 'model', false),
    text(record, 'gateway', false),
    tokens(record, 'inputTokens'),
    tokens(record, 'outputTokens'),
    tokens(record, 'cachedInputTokens'),
    costUsd,
    usdToNanoUsd(costUsd),
    oneOf(record, 'costSource', COST_SOURCES),
    bounded(record, 'latencyMs', 0, maxLatencyMs, 'a non-negative number of ms'),
    timeToFirstToken ?? null,
    bounded(record, 'attempts', 0, 2 ** 31 - 1, 'a whole number', true),
    flag(record, 'fallback'),
    arrayLiteral(distinct),
    oneOf(record, 'status', STATUSES),
    text(record, 'errorKind', false),
    flag(record, 'stream'),
    extraFields(record, distinct.length === tags.length ? undefined : tags),
  ];
}

/** A PostgreSQL array literal of strings, every element quoted: `{"chat","a \\"b\\""}`. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * The fields without a column, as JSON, and the tags as recorded when they repeat one; `null` when
 * there is neither.
 */
function extraFields(record: UsageRecord, repeatedTags: readonly string[] | undefined): string | null {
  let extra: Record<string, unknown> | undefined = repeatedTags ? { tags: repeatedTags } : undefined;
  for (const key of Object.keys(record)) {
    if (USAGE_RECORD_COLUMN_FIELDS.has(key)) continue;
    const value = (record as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    extra ??= {};
    extra[key] = value;
  }
  if (!extra) return null;
  let json: string;
  try {
    json = JSON.stringify(extra);
  } catch {
    throw invalid(Object.keys(extra).join(', '), 'JSON-serialisable values');
  }
  if (json.includes('\\u0000')) throw invalid(Object.keys(extra).join(', '), 'values without NUL characters');
  return json;
}

/**
 * A `WHERE` clause (or `''`) and its parameters for a checked query (`checkUsageQuery`): the
 * semantics of `matchesUsageQuery`.
 */
export function usageQueryToSql(
  query: CheckedUsageQuery,
  alias = '',
  firstParameter = 1,
): { where: string; values: unknown[] } {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    // No stored text holds NUL (PostgreSQL text cannot), so such a filter matches nothing.
    if (typeof value === 'string' && hasNul(value)) {
      conditions.push('false');
      return;
    }
    values.push(value);
    conditions.push(condition(`$${firstParameter + values.length - 1}`));
  };
  if (query.from !== undefined) add((p) => `${column('started_at')} >= ${p}::float8`, query.from);
  if (query.to !== undefined) add((p) => `${column('started_at')} < ${p}::float8`, query.to);
  if (query.user !== undefined) add((p) => `${column('user_id')} = ${p}`, query.user);
  if (query.keyId !== undefined) add((p) => `${column('key_id')} = ${p}`, query.keyId);
  if (query.provider !== undefined) add((p) => `${column('provider')} = ${p}`, query.provider);
  if (query.model !== undefined) add((p) => `${column('model')} = ${p}`, query.model);
  if (query.gateway !== undefined) add((p) => `${column('gateway')} = ${p}`, query.gateway);
  if (query.status !== undefined) add((p) => `${column('status')} = ${p}`, query.status);
  if (query.tag !== undefined) add((p) => `${p} = ANY(${column('tags')})`, query.tag);
  return { where: conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`, values };
}
