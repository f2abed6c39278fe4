import type { GatewayId, ProviderId } from '../catalog/model-definition.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { CostSource } from '../router/chat-types.ts';
import { usdToNanoUsd } from '../usage/money-sum.ts';
import type { UsageQuery, UsageRecord, UsageStatus } from '../usage/usage-record.ts';

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

/** The record fields that have a column; any other field goes to `extra`. */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'callId',
  'startedAt',
  'finishedAt',
  'user',
  'keyId',
  'provider',
  'model',
  'gateway',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'costUsd',
  'costSource',
  'latencyMs',
  'timeToFirstTokenMs',
  'attempts',
  'fallback',
  'tags',
  'status',
  'errorKind',
  'stream',
]);

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

function invalid(field: string, expected: string): InvalidRequestError {
  return new InvalidRequestError({
    option: field ? `record.${field}` : 'record',
    message: `expected ${expected}; the PostgreSQL usage tracker did not keep this record.`,
  });
}

// PostgreSQL text cannot hold U+0000.
const hasNul = (text: string): boolean => text.includes('\0');

function text(record: UsageRecord, field: keyof UsageRecord, required: boolean): string | null {
  const value = record[field];
  if (value === undefined && !required) return null;
  if (typeof value !== 'string' || hasNul(value))
    throw invalid(
      field,
      required ? 'a string without NUL characters' : 'a string without NUL characters, or undefined',
    );
  return value;
}

function number(record: UsageRecord, field: keyof UsageRecord): number {
  const value = record[field];
  if (typeof value !== 'number') throw invalid(field, 'a number');
  return value;
}

function count(record: UsageRecord, field: keyof UsageRecord, max = Number.MAX_SAFE_INTEGER): number {
  const value = record[field];
  if (!Number.isSafeInteger(value) || Math.abs(value as number) > max) throw invalid(field, 'a whole number');
  return value as number;
}

function flag(record: UsageRecord, field: keyof UsageRecord): boolean {
  const value = record[field];
  if (typeof value !== 'boolean') throw invalid(field, 'true or false');
  return value;
}

/**
 * Checks a record and converts it to its row, so a record the table cannot hold is refused by its
 * own `record()` call instead of failing a whole batch later.
 * @throws InvalidRequestError naming the field at fault.
 */
export function usageRecordToRow(record: UsageRecord): UsageRow {
  if (typeof record !== 'object' || record === null) throw invalid('', 'a UsageRecord object');
  const id = text(record, 'id', true) as string;
  if (id.length === 0) throw invalid('id', 'a non-empty string');
  const tags = record.tags;
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && !hasNul(tag)))
    throw invalid('tags', 'an array of strings without NUL characters');
  // Each tag once in the column, so reports group without removing repeats record by record.
  const distinct = [...new Set(tags)];
  const costUsd = number(record, 'costUsd');
  let costNanoUsd: number;
  try {
    costNanoUsd = usdToNanoUsd(costUsd);
  } catch {
    throw invalid('costUsd', 'a finite USD amount under about 9 million');
  }
  const timeToFirstToken = record.timeToFirstTokenMs;
  if (timeToFirstToken !== undefined && typeof timeToFirstToken !== 'number')
    throw invalid('timeToFirstTokenMs', 'a number or undefined');
  return [
    id,
    text(record, 'callId', true),
    number(record, 'startedAt'),
    number(record, 'finishedAt'),
    text(record, 'user', false),
    text(record, 'keyId', false),
    text(record, 'provider', false),
    text(record, 'model', false),
    text(record, 'gateway', false),
    count(record, 'inputTokens'),
    count(record, 'outputTokens'),
    count(record, 'cachedInputTokens'),
    costUsd,
    costNanoUsd,
    text(record, 'costSource', true),
    number(record, 'latencyMs'),
    timeToFirstToken ?? null,
    count(record, 'attempts', 2 ** 31 - 1),
    flag(record, 'fallback'),
    arrayLiteral(distinct),
    text(record, 'status', true),
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
    if (KNOWN_FIELDS.has(key)) continue;
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

/** A `WHERE` clause (or `''`) and its parameters for a `UsageQuery`: the semantics of `matchesUsageQuery`. */
export function usageQueryToSql(
  query: UsageQuery,
  alias = '',
  firstParameter = 1,
): { where: string; values: unknown[] } {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${firstParameter + values.length - 1}`));
  };
  const from = time(query.from);
  const to = time(query.to);
  // JavaScript comparisons with NaN are false, so a NaN bound excludes nothing; PostgreSQL would
  // order NaN above every number.
  if (from !== undefined && !Number.isNaN(from)) add((p) => `${column('started_at')} >= ${p}::float8`, from);
  if (to !== undefined && !Number.isNaN(to)) add((p) => `${column('started_at')} < ${p}::float8`, to);
  if (query.user !== undefined) add((p) => `${column('user_id')} = ${p}`, query.user);
  if (query.keyId !== undefined) add((p) => `${column('key_id')} = ${p}`, query.keyId);
  if (query.provider !== undefined) add((p) => `${column('provider')} = ${p}`, query.provider);
  if (query.model !== undefined) add((p) => `${column('model')} = ${p}`, query.model);
  if (query.gateway !== undefined) add((p) => `${column('gateway')} = ${p}`, query.gateway);
  if (query.status !== undefined) add((p) => `${column('status')} = ${p}`, query.status);
  if (query.tag !== undefined) add((p) => `${p} = ANY(${column('tags')})`, query.tag);
  return { where: conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`, values };
}

function time(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}
