import { USAGE_RECORD_BOUNDS } from '../usage/read-usage-record.ts';
import type { PostgresSchemaPart } from './migrate-postgres-schema.ts';
import type { PostgresTables } from './postgres-tables.ts';

/**
 * The usage ledger's tables, by version. Version 1: one row per record in `<prefix>usage_records`.
 *
 * - `id` is the primary key: `INSERT ... ON CONFLICT (id) DO NOTHING` makes a repeated write (a
 *   retry, or the same record sent by two processes) a no-op. `call_id` may repeat.
 * - `seq` numbers rows in the order they were written: `query()` returns records oldest first.
 * - Times and latencies are `double precision` ms since the epoch, exactly the numbers the router
 *   recorded (UTC days are `floor(started_at / 86400000)`, as in JavaScript).
 * - `cost_usd` keeps the router's float so a record reads back unchanged; `cost_nano_usd` is the
 *   exact integer that reports sum.
 * - `tags` is a `text[]` holding each of the record's tags once, in order (what reports group by);
 *   `extra` holds any record field this version has no column for (fields added later), and the
 *   tags as recorded when they repeat one, so records read back unchanged; `NULL` when there is none.
 * - A CHECK constraint holds every row within `USAGE_RECORD_BOUNDS` (tokens, cost, latency, start
 *   time, status and cost source), whoever writes to the table: no row is one a report could not
 *   count, so reports in SQL have no invalid records to skip (NaN fails every comparison here too).
 * - Indexes, few on purpose (each one slows every write): a BRIN index on `started_at` for report
 *   periods (rows arrive roughly in time order, so a block-range index is tiny and nearly free to
 *   keep), and `(user_id, started_at)` for one user's records.
 */
const { maxTokens, maxCostUsd, maxLatencyMs, maxAbsoluteTimeMs } = USAGE_RECORD_BOUNDS;

/** What a row must hold for a report to count it: `checkUsageRecord`'s bounds, in SQL. */
const COUNTABLE = [
  `input_tokens BETWEEN 0 AND ${maxTokens}`,
  `output_tokens BETWEEN 0 AND ${maxTokens}`,
  `cached_input_tokens BETWEEN 0 AND ${maxTokens}`,
  `cost_usd >= 0 AND cost_usd <= ${maxCostUsd}`,
  `cost_nano_usd >= 0`,
  `latency_ms >= 0 AND latency_ms <= ${maxLatencyMs}`,
  `started_at >= ${-maxAbsoluteTimeMs} AND started_at <= ${maxAbsoluteTimeMs}`,
  `status IN ('ok', 'error', 'aborted')`,
  `cost_source IN ('gateway', 'catalog', 'estimated', 'none')`,
].join(' AND ');

function createUsageRecords(tables: PostgresTables): string {
  const table = tables.table('usage_records');
  return `
CREATE TABLE ${table} (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text NOT NULL,
  call_id text NOT NULL,
  started_at double precision NOT NULL,
  finished_at double precision NOT NULL,
  user_id text,
  key_id text,
  provider text,
  model text,
  gateway text,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  cost_nano_usd bigint NOT NULL,
  cost_source text NOT NULL,
  latency_ms double precision NOT NULL,
  time_to_first_token_ms double precision,
  attempts integer NOT NULL,
  fallback boolean NOT NULL,
  tags text[] NOT NULL,
  status text NOT NULL,
  error_kind text,
  stream boolean NOT NULL,
  extra jsonb,
  CONSTRAINT ${tables.name('usage_records_pkey')} PRIMARY KEY (id),
  CONSTRAINT ${tables.name('usage_records_countable')} CHECK (${COUNTABLE})
);
CREATE INDEX ${tables.name('usage_records_started_at')} ON ${table} USING brin (started_at) WITH (autosummarize = on);
CREATE INDEX ${tables.name('usage_records_user_started_at')} ON ${table} (user_id, started_at);
`;
}

/** The usage ledger's part of the schema (`component` `usage` in `<prefix>schema_versions`). */
export const USAGE_SCHEMA: PostgresSchemaPart = {
  component: 'usage',
  migrations: [createUsageRecords],
};
