import type { SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { CostSource } from '../types/chat.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import type { UsageQuery, UsageRecord, UsageStatus } from '../types/usage-record.ts';
import { usdToNanoUsd } from './money-sum.ts';
import { USAGE_RECORD_COLUMN_FIELDS } from './usage-record-columns.ts';

/** `PRAGMA application_id` of a usage store: ASCII "LLMR". Marks the file as ours. */
export const USAGE_STORE_APPLICATION_ID = 0x4c4c4d52;

/** `PRAGMA user_version` of the schema below; bump it with a migration when the table changes. */
export const USAGE_STORE_SCHEMA_VERSION = 3;

/**
 * One row per finished call. `id` (the record's key) is the primary key, so `INSERT OR IGNORE`
 * makes a repeated `record()` (a retry, or the same call written by a second process) a no-op;
 * `call_id` is the caller's id and may repeat. `cost_usd` keeps the
 * router's float so a record reads back unchanged; `cost_nano_usd` is the exact integer to sum in
 * SQL. `tags` is a JSON array, filtered with `json_each`.
 */
export const CREATE_USAGE_SCHEMA = `
CREATE TABLE usage_records (
  call_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  user TEXT,
  key_id TEXT,
  provider TEXT,
  model TEXT,
  gateway TEXT,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  cost_nano_usd INTEGER NOT NULL,
  cost_source TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  time_to_first_token_ms REAL,
  attempts INTEGER NOT NULL,
  fallback INTEGER NOT NULL,
  tags TEXT NOT NULL,
  status TEXT NOT NULL,
  error_kind TEXT,
  stream INTEGER NOT NULL,
  id TEXT PRIMARY KEY NOT NULL,
  extra TEXT
);
CREATE INDEX usage_records_started_at ON usage_records (started_at);
CREATE INDEX usage_records_call_id ON usage_records (call_id);
`;

/**
 * Schema 1 to 2: `call_id` was the primary key, so a reused call id lost its second record. The
 * table is rebuilt with `id` as the key; each existing row keeps its call id as its id.
 */
export const MIGRATE_USAGE_SCHEMA_1_TO_2 = `
ALTER TABLE usage_records RENAME TO usage_records_v1;
DROP INDEX usage_records_started_at;
${CREATE_USAGE_SCHEMA}
INSERT INTO usage_records (call_id, started_at, finished_at, user, key_id, provider, model, gateway, input_tokens, output_tokens, cached_input_tokens, cost_usd, cost_nano_usd, cost_source, latency_ms, time_to_first_token_ms, attempts, fallback, tags, status, error_kind, stream, id) SELECT call_id, started_at, finished_at, user, key_id, provider, model, gateway, input_tokens, output_tokens, cached_input_tokens, cost_usd, cost_nano_usd, cost_source, latency_ms, time_to_first_token_ms, attempts, fallback, tags, status, error_kind, stream, call_id FROM usage_records_v1;
DROP TABLE usage_records_v1;
`;

/**
 * Schema 2 to 3: `extra` keeps, as a JSON object, every record field without a column of its own
 * (such as `byokFallback`), so fields added to `UsageRecord` later read back unchanged.
 */
export const MIGRATE_USAGE_SCHEMA_2_TO_3 = 'ALTER TABLE usage_records ADD COLUMN extra TEXT;';

/** The record's fields without a column, as JSON, or `null` when it has none. May throw (cyclic, BigInt). */
function extraFields(record: UsageRecord): string | null {
  let extra: Record<string, unknown> | undefined;
  for (const [field, value] of Object.entries(record)) {
    if (USAGE_RECORD_COLUMN_FIELDS.has(field) || value === undefined) continue;
    extra ??= {};
    extra[field] = value;
  }
  return extra === undefined ? null : JSON.stringify(extra);
}

const COLUMNS = [
  'call_id',
  'started_at',
  'finished_at',
  'user',
  'key_id',
  'provider',
  'model',
  'gateway',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'cost_nano_usd',
  'cost_source',
  'latency_ms',
  'time_to_first_token_ms',
  'attempts',
  'fallback',
  'tags',
  'status',
  'error_kind',
  'stream',
  'id',
  'extra',
] as const;

/** Inserts one record unless its id is already stored. */
export const INSERT_USAGE_RECORD = `INSERT OR IGNORE INTO usage_records (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/** Selects every column, in insertion order, filtered by a `WHERE` from `usageQueryToSql()`. */
export const SELECT_USAGE_RECORDS = `SELECT ${COLUMNS.join(', ')} FROM usage_records`;

const isText = (value: unknown) => typeof value === 'string';
const isOptional = (check: (value: unknown) => boolean) => (value: unknown) =>
  value === undefined || value === null || check(value);

// What a row needs beyond what a report checks (`checkUsageRecord`): a value SQLite cannot bind, or
// NaN in a NOT NULL column, would fail the whole batch holding it, again on every retry.
const STORABLE: readonly [keyof UsageRecord, (value: unknown) => boolean, string][] = [
  ['id', isText, 'text'],
  ['callId', isText, 'text'],
  ['finishedAt', Number.isFinite, 'a time in ms since the epoch'],
  ['attempts', (value) => Number.isSafeInteger(value) && (value as number) >= 0, 'a whole number'],
  ['timeToFirstTokenMs', isOptional(Number.isFinite), 'a number of ms or nothing'],
  ['errorKind', isOptional(isText), 'text or nothing'],
];

/**
 * Why a record cannot be stored as a row (the first field at fault), or `undefined` when it can.
 * Checks only the fields a report does not: run `checkUsageRecord` first. Never throws.
 */
export function describeUnstorableRecord(record: UsageRecord): string | undefined {
  try {
    for (const [field, valid, expected] of STORABLE) {
      if (!valid(record[field])) return `${field} must be ${expected}`;
    }
  } catch {
    return 'a field cannot be read';
  }
  try {
    extraFields(record);
  } catch {
    return 'a field without a column (e.g. byokFallback) must be JSON data';
  }
  return undefined;
}

/** The positional parameters of `INSERT_USAGE_RECORD` for one record. */
export function usageRecordToRow(record: UsageRecord): SQLInputValue[] {
  return [
    record.callId,
    record.startedAt,
    record.finishedAt,
    record.user ?? null,
    record.keyId ?? null,
    record.provider ?? null,
    record.model ?? null,
    record.gateway ?? null,
    record.inputTokens,
    record.outputTokens,
    record.cachedInputTokens,
    record.costUsd,
    usdToNanoUsd(record.costUsd),
    record.costSource,
    record.latencyMs,
    record.timeToFirstTokenMs ?? null,
    record.attempts,
    record.fallback ? 1 : 0,
    JSON.stringify(record.tags),
    record.status,
    record.errorKind ?? null,
    record.stream ? 1 : 0,
    record.id,
    extraFields(record),
  ];
}

const text = (value: SQLOutputValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;
const number = (value: SQLOutputValue | undefined): number => Number(value ?? 0);

// Tags as written (a JSON array). A store edited by hand may hold anything: what does not parse is
// handed back as it is, for a report to count the record as invalid rather than fail the query.
function readTags(value: SQLOutputValue | undefined): string[] {
  try {
    return JSON.parse(String(value)) as string[];
  } catch {
    return value as unknown as string[];
  }
}

/**
 * A stored row, as the values of `SELECT_USAGE_RECORDS` in column order, back to the record that
 * was written (`null` columns become `undefined` fields).
 */
export function rowToUsageRecord(row: readonly SQLOutputValue[]): UsageRecord {
  const timeToFirstToken = row[15];
  const record: UsageRecord = {
    id: String(row[22]),
    callId: String(row[0]),
    startedAt: number(row[1]),
    finishedAt: number(row[2]),
    user: text(row[3]),
    keyId: text(row[4]),
    provider: text(row[5]) as ProviderId | undefined,
    model: text(row[6]),
    gateway: text(row[7]) as GatewayId | undefined,
    inputTokens: number(row[8]),
    outputTokens: number(row[9]),
    cachedInputTokens: number(row[10]),
    costUsd: number(row[11]),
    // row[12] is cost_nano_usd, derived from cost_usd.
    costSource: String(row[13]) as CostSource,
    latencyMs: number(row[14]),
    timeToFirstTokenMs:
      timeToFirstToken === null || timeToFirstToken === undefined ? undefined : Number(timeToFirstToken),
    attempts: number(row[16]),
    fallback: row[17] === 1,
    tags: readTags(row[18]),
    status: String(row[19]) as UsageStatus,
    errorKind: text(row[20]) as UsageRecord['errorKind'],
    stream: row[21] === 1,
  };
  return row[23] === null || row[23] === undefined ? record : withExtra(record, row[23]);
}

// Fields kept in `extra`, back on the record; a column's field is never overridden, and `extra`
// that does not parse (a store edited by hand) is ignored.
function withExtra(record: UsageRecord, extra: SQLOutputValue): UsageRecord {
  try {
    const fields = JSON.parse(String(extra)) as unknown;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return record;
    const merged: Record<string, unknown> = { ...record };
    for (const [field, value] of Object.entries(fields)) {
      if (!USAGE_RECORD_COLUMN_FIELDS.has(field) && field !== '__proto__') merged[field] = value;
    }
    return merged as unknown as UsageRecord;
  } catch {
    return record;
  }
}

function time(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}

/** A `WHERE` clause (or `''`) and its parameters for a `UsageQuery`; the same semantics as `matchesUsageQuery`. */
export function usageQueryToSql(query: UsageQuery): { where: string; parameters: SQLInputValue[] } {
  const conditions: string[] = [];
  const parameters: SQLInputValue[] = [];
  const add = (condition: string, value: SQLInputValue) => {
    conditions.push(condition);
    parameters.push(value);
  };
  const from = time(query.from);
  const to = time(query.to);
  if (from !== undefined) add('started_at >= ?', from);
  if (to !== undefined) add('started_at < ?', to);
  if (query.user !== undefined) add('user = ?', query.user);
  if (query.keyId !== undefined) add('key_id = ?', query.keyId);
  if (query.provider !== undefined) add('provider = ?', query.provider);
  if (query.model !== undefined) add('model = ?', query.model);
  if (query.gateway !== undefined) add('gateway = ?', query.gateway);
  if (query.status !== undefined) add('status = ?', query.status);
  if (query.tag !== undefined)
    add('EXISTS (SELECT 1 FROM json_each(usage_records.tags) WHERE value = ?)', query.tag);
  return { where: conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`, parameters };
}
