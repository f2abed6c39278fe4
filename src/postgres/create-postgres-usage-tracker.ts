import * as z from 'zod/mini';
import { createSystemClock } from '../clock/create-system-clock.ts';
import { checkSettings, clockSchema, hasMethods, whole } from '../errors/check-settings.ts';
import { RouterError } from '../errors/router-error.ts';
import { resolveLogger } from '../logger/resolve-logger.ts';
import type { Clock, TimerHandle } from '../types/clock.ts';
import type { Logger } from '../types/logger.ts';
import type { UsageQuery, UsageRecord } from '../types/usage-record.ts';
import type { UsageReport, UsageReportOptions } from '../types/usage-report.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { checkReportOptions } from '../usage/check-report-options.ts';
import { checkUsageQuery } from '../usage/check-usage-query.ts';
import { describeValue } from '../usage/describe-value.ts';
import { checkUsageRecord } from '../usage/read-usage-record.ts';
import { UsageStoreError } from '../usage/usage-store-error.ts';
import { migratePostgresSchema, PostgresSchemaConflict } from './migrate-postgres-schema.ts';
import type { PostgresPool } from './postgres-pool.ts';
import { type PostgresLocationSettings, postgresLocationSchema, postgresTables } from './postgres-tables.ts';
import { postgresUsageReport } from './postgres-usage-report.ts';
import {
  insertUsageRecordsSql,
  rowToUsageRecord,
  selectUsageRecordsSql,
  type UsageRow,
  usageQueryToSql,
  usageRecordToRow,
  usageRowsToColumns,
} from './usage-rows.ts';
import { USAGE_SCHEMA } from './usage-schema.ts';

/** What `createPostgresUsageTracker()` takes. */
export interface PostgresUsageTrackerSettings extends PostgresLocationSettings {
  /** Your node-postgres `Pool` (`new Pool({ connectionString })`). The tracker never ends it. */
  readonly pool: PostgresPool;
  /**
   * Records written per statement (one `INSERT` of column arrays). A full batch is written at once,
   * in the background; `record()` never waits for it.
   * @default 1_000
   */
  readonly batchSize?: number;
  /** Longest a record waits in the buffer before a background write, ms of `clock` time. @default 1_000 */
  readonly flushIntervalMs?: number;
  /**
   * Most records kept in memory while waiting to be written (PostgreSQL down or slower than the
   * calls); beyond it `record()` refuses records with a `backlog` error. About 0.5 KB a record.
   * @default 100_000
   */
  readonly maxBufferedRecords?: number;
  /**
   * How long `flush()`, `close()`, `query()` and `report()` keep retrying a write that fails
   * (PostgreSQL restarting) before they reject, ms of `clock` time. Background writes retry for ever.
   * @default 30_000
   */
  readonly flushTimeoutMs?: number;
  /** Drives background writes and retries; pass the router's clock (or a fake one in tests). @default the system clock */
  readonly clock?: Clock;
  /**
   * Where write failures and recoveries are logged (`warn` once when writes start failing, `info`
   * when they succeed again); `false` for silence. @default console
   */
  readonly logger?: Logger | false;
  /** Called with each failed write (`reason: 'write-failed'`) and schema problem; the records stay buffered. */
  readonly onError?: (error: UsageStoreError) => void;
}

/** A usage tracker writing to PostgreSQL: shared by every process that points at the same tables. */
export interface PostgresUsageTracker extends UsageTracker {
  /** The records table, `schema.prefix` + `usage_records`. */
  readonly table: string;
  /** Records buffered and not yet written (a batch being written included). */
  readonly pending: number;
  /**
   * Resolves once the tables exist at this version (created or migrated on first use; the tracker
   * starts this itself, so awaiting it is only for surfacing problems early).
   * @throws UsageStoreError `unsupported-version`, `foreign`, or `unavailable` (PostgreSQL unreachable; call again).
   */
  ready(): Promise<void>;
  /**
   * Buffers a record and returns: it never touches the network, never waits, and never fails
   * because PostgreSQL does. A record whose `id` is already stored or buffered is ignored when
   * written, so retrying `record()` is safe.
   * @throws UsageStoreError `backlog` when `maxBufferedRecords` records are already waiting (this
   * record was **not** kept); `invalid-record` for a record no report could count (see
   * `USAGE_RECORD_BOUNDS`) or the table cannot hold (text with a NUL character, an empty `id`, a
   * field of the wrong type): it was not kept; `closed` after `close()`; `unsupported-version` or
   * `foreign` when the tables cannot be used at all.
   */
  record(record: UsageRecord): void;
  /**
   * Writes buffered records (as `flush()`), then reads matching records, oldest first.
   * @throws InvalidRequestError naming the filter at fault, before anything is written or read.
   */
  query(query?: UsageQuery): Promise<readonly UsageRecord[]>;
  /**
   * Writes buffered records (as `flush()`), then computes the report in SQL: what
   * `buildUsageReport(await query(), options)` gives. `savings` needs its `catalog` here
   * (`router.usage.report()` passes the router's).
   * @throws InvalidRequestError naming the option at fault, before anything is written or read.
   */
  report(options?: UsageReportOptions): Promise<UsageReport>;
  /**
   * Writes every record buffered when it was called, `batchSize` per statement, retrying failed
   * writes for up to `flushTimeoutMs`.
   * @throws UsageStoreError `write-failed` after that; the records stay buffered and are retried.
   */
  flush(): Promise<void>;
  /** Writes everything (as `flush()`) and stops the timers. Safe to call twice. If the final write fails it rejects and stays open; call it again. */
  close(): Promise<void>;
}

const settingsSchema = z
  .strictObject({
    pool: z.custom<PostgresPool>(hasMethods('query', 'connect'), {
      message: 'expected a node-postgres Pool (query() and connect()), e.g. new Pool({ connectionString })',
    }),
    ...postgresLocationSchema,
    batchSize: z.optional(
      z.number().check(whole('expected a whole number'), z.positive(), z.maximum(50_000)),
    ),
    flushIntervalMs: z.optional(z.number().check(whole('expected a whole number'), z.positive())),
    maxBufferedRecords: z.optional(z.number().check(whole('expected a whole number'), z.positive())),
    flushTimeoutMs: z.optional(z.number().check(whole('expected a whole number'), z.nonnegative())),
    clock: z.optional(clockSchema),
    logger: z.optional(z.union([z.literal(false), z.custom<Logger>(hasMethods('warn', 'error'))])),
    onError: z.optional(z.custom<(error: UsageStoreError) => void>((value) => typeof value === 'function')),
  })
  .check(
    z.refine((settings) => (settings.maxBufferedRecords ?? 100_000) >= (settings.batchSize ?? 1_000), {
      path: ['maxBufferedRecords'],
      message: 'expected at least batchSize records (1,000 when batchSize is not set)',
    }),
  );

/** First retry of a failed write; doubled on each failure in a row, up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * Keeps usage records in PostgreSQL, through a `pg` pool you pass, so every process (pods, workers,
 * serverless instances) writes to one ledger and reports cover all of them.
 *
 * `record()` only buffers. Background writes (timers of `clock` that do not keep the process alive)
 * send the buffer as one `INSERT ... SELECT FROM unnest(...) ON CONFLICT (id) DO NOTHING` per
 * `batchSize` records: when a batch is full, and `flushIntervalMs` after the first buffered record.
 * One write runs at a time. A write that fails (PostgreSQL restarting, the connection dropped)
 * leaves its records buffered and is retried after 100, 200, 400 ms... (at most 5 s); since `id`
 * is the primary key, a retry of a batch that did reach the table stores nothing twice, and neither
 * does a record written by two processes. While PostgreSQL is unreachable, records wait in memory
 * up to `maxBufferedRecords`. Call `router.close()` (which calls `close()`) before exiting, or the
 * buffer is lost.
 *
 * The tables (`<tablePrefix>usage_records` and `<tablePrefix>schema_versions` in `schema`) are
 * created or migrated on first use, under an advisory lock, so processes starting together agree.
 * Reports run in SQL (`router.usage.report()` uses `report()`).
 *
 * @throws InvalidSettingsError when a setting is out of range or `pool` is not a pool.
 *
 * @example
 * import { Pool } from 'pg';
 * import { createPostgresUsageTracker } from '@bestviable/llm-router/postgres';
 *
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.warn('postgres', error.message));
 * const usage = createPostgresUsageTracker({ pool });
 * const router = createRouter({ usage, ... });
 * // ...
 * await router.close(); // writes the last batch
 */
export function createPostgresUsageTracker(settings: PostgresUsageTrackerSettings): PostgresUsageTracker {
  const checked = checkSettings(settingsSchema, settings, 'createPostgresUsageTracker');
  const { pool } = checked;
  const tables = postgresTables(checked);
  const table = tables.table('usage_records');
  const label = `${tables.label}usage_records`;
  const insertSql = insertUsageRecordsSql(table);
  const batchSize = checked.batchSize ?? 1_000;
  const flushIntervalMs = checked.flushIntervalMs ?? 1_000;
  const maxBufferedRecords = checked.maxBufferedRecords ?? 100_000;
  const flushTimeoutMs = checked.flushTimeoutMs ?? 30_000;
  const clock = checked.clock ?? createSystemClock();
  const logger = resolveLogger(checked.logger);
  const onError = checked.onError;

  const buffer: UsageRow[] = [];
  /** Records ever buffered, and ever written (committed): a flush waits for `written` to reach `buffered`. */
  let buffered = 0;
  let written = 0;
  /** Writes run one at a time, in this chain, so rows keep their order and leave the buffer in order. */
  let writes: Promise<unknown> = Promise.resolve();
  let schema: Promise<void> | undefined;
  /** A schema problem retrying cannot fix: every later use fails with it. */
  let fatal: UsageStoreError | undefined;
  let timer: TimerHandle | undefined;
  let timerFor: 'interval' | 'batch' | 'retry' | undefined;
  let draining = false;
  let failures = 0;
  let closed = false;

  function ensureSchema(): Promise<void> {
    if (fatal) return Promise.reject(fatal);
    schema ??= migratePostgresSchema(pool, tables, USAGE_SCHEMA).catch((error: unknown) => {
      schema = undefined;
      throw schemaError(error);
    });
    return schema;
  }

  function schemaError(error: unknown): UsageStoreError {
    if (error instanceof PostgresSchemaConflict) {
      const { problem } = error;
      fatal = new UsageStoreError({
        reason: problem.kind === 'newer' ? 'unsupported-version' : 'foreign',
        path: label,
        cause: problem.kind === 'taken' ? problem.cause : undefined,
        message:
          problem.kind === 'newer'
            ? `The usage tables ${label} are at schema version ${problem.version}, written by a newer @bestviable/llm-router; this version reads up to ${problem.latest}. Upgrade the package or pass another schema or tablePrefix.`
            : `A table named ${label} already exists and was not created by this package; it was left untouched. Pass another schema or tablePrefix.`,
      });
      return fatal;
    }
    return new UsageStoreError({
      reason: 'unavailable',
      path: label,
      cause: error,
      message: `Could not prepare the usage tables ${label}: ${describe(error)}. Records stay buffered; the tables are set up on the next write.`,
    });
  }

  /** Writes the first `batchSize` buffered records in one statement; they leave the buffer once committed. */
  function writeBatch(): Promise<void> {
    const run = writes.then(async () => {
      if (buffer.length === 0) return;
      await ensureSchema();
      const count = Math.min(batchSize, buffer.length);
      await pool.query({ text: insertSql, values: usageRowsToColumns(buffer.slice(0, count)) });
      buffer.splice(0, count);
      written += count;
    });
    writes = run.catch(() => {});
    return run;
  }

  function schedule(reason: 'interval' | 'batch' | 'retry', delayMs: number): void {
    timer?.cancel();
    timer = clock.setTimer(onTimer, delayMs, { background: true });
    timerFor = reason;
  }

  function cancelTimer(): void {
    timer?.cancel();
    timer = undefined;
    timerFor = undefined;
  }

  function onTimer(): void {
    const reason = timerFor;
    timer = undefined;
    timerFor = undefined;
    void drain(reason === 'batch' ? written : buffered);
  }

  /**
   * Writes the records buffered before `due` (all of them when the interval passed or a retry is
   * due; none when a batch filled up), and goes on while full batches are waiting.
   */
  async function drain(due: number): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (buffer.length > 0 && (written < due || buffer.length >= batchSize)) await writeBatch();
      succeeded();
    } catch (error) {
      const failure = failed(error);
      if (failure !== fatal) schedule('retry', retryDelay());
    } finally {
      draining = false;
      // Tables that cannot be used (newer or foreign) are not retried: every later use reports them.
      if (buffer.length > 0 && timerFor === undefined && !closed && !fatal)
        schedule('interval', flushIntervalMs);
    }
  }

  function retryDelay(): number {
    return Math.min(FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20), MAX_RETRY_MS);
  }

  function succeeded(): void {
    if (failures === 0) return;
    logger.info?.(`[llm-router] usage records are written to ${label} again`, {
      failedAttempts: failures,
      pending: buffer.length,
    });
    failures = 0;
  }

  /** Counts and reports a failed write; returns the error to throw. */
  function failed(error: unknown): UsageStoreError {
    failures++;
    const failure =
      UsageStoreError.isInstance(error) && error.reason !== 'unavailable'
        ? error
        : new UsageStoreError({
            reason: 'write-failed',
            path: label,
            cause: UsageStoreError.isInstance(error) ? (error.cause ?? error) : error,
            message: `Could not write ${buffer.length} usage records to ${label}: ${describe(error)}. They stay buffered and are retried.`,
          });
    if (failures === 1) {
      logger.warn(`[llm-router] ${failure.message}`, { pending: buffer.length });
    }
    try {
      onError?.(failure);
    } catch {
      // A listener's failure must not stop the retries.
    }
    return failure;
  }

  function assertUsable(): void {
    if (closed) {
      throw new UsageStoreError({
        reason: 'closed',
        path: label,
        message: `The usage tracker of ${label} was closed; create a new tracker to write to it again.`,
      });
    }
    if (fatal) throw fatal;
  }

  function readFailed(error: unknown): UsageStoreError {
    return new UsageStoreError({
      reason: 'unavailable',
      path: label,
      cause: error,
      message: `Could not read usage records from ${label}: ${describe(error)}.`,
    });
  }

  async function flush(): Promise<void> {
    const target = buffered;
    const deadline = clock.now() + flushTimeoutMs;
    while (written < target) {
      try {
        await writeBatch();
      } catch (error) {
        const failure = failed(error);
        const delay = retryDelay();
        if (failure === fatal || clock.now() + delay > deadline) throw failure;
        await new Promise<void>((resolve) => clock.setTimer(resolve, delay));
        continue;
      }
      succeeded();
    }
  }

  // Created or migrated now, so the first batch does not wait for it and problems show early.
  ensureSchema().catch((error: unknown) => {
    if (error === fatal) failed(error);
  });

  return {
    table: label,
    get pending() {
      return buffer.length;
    },
    ready: ensureSchema,
    record(record) {
      assertUsable();
      if (buffer.length >= maxBufferedRecords) {
        throw new UsageStoreError({
          reason: 'backlog',
          path: label,
          message: `${buffer.length} usage records are already waiting to be written to ${label} (maxBufferedRecords), so the record of call ${describeValue(callIdOf(record))} was not kept. PostgreSQL has been unwritable for a while, or records come faster than it takes them; raise maxBufferedRecords or batchSize.`,
        });
      }
      // Checked and converted now, so a record the table cannot hold fails its own call, not a batch.
      const checkedRecord = checkUsageRecord(record);
      const row = 'invalid' in checkedRecord ? checkedRecord : usageRecordToRow(record);
      if ('invalid' in row) {
        throw new UsageStoreError({
          reason: 'invalid-record',
          path: label,
          message: `The record of call ${describeValue(callIdOf(record))} was not kept: ${row.invalid}. A record must hold what a report can count (see USAGE_RECORD_BOUNDS).`,
        });
      }
      buffer.push(row);
      buffered++;
      if (draining) return;
      if (timerFor === undefined) schedule('interval', flushIntervalMs);
      if (buffer.length >= batchSize && timerFor === 'interval') schedule('batch', 0);
    },
    async query(query: UsageQuery = {}) {
      const checkedQuery = checkUsageQuery(query, 'query');
      assertUsable();
      await flush();
      await ensureSchema();
      const { where, values } = usageQueryToSql(checkedQuery);
      try {
        const result = await pool.query({
          text: `${selectUsageRecordsSql(table)}${where} ORDER BY seq`,
          values,
          rowMode: 'array',
        });
        return result.rows.map((row) => rowToUsageRecord(row as unknown[]));
      } catch (error) {
        throw readFailed(error);
      }
    },
    async report(options: UsageReportOptions = {}) {
      const checkedOptions = checkReportOptions(options);
      assertUsable();
      await flush();
      await ensureSchema();
      try {
        return await postgresUsageReport(pool, table, checkedOptions);
      } catch (error) {
        throw RouterError.isInstance(error) ? error : readFailed(error);
      }
    },
    async flush() {
      assertUsable();
      await flush();
    },
    async close() {
      if (closed) return;
      await flush();
      cancelTimer();
      closed = true;
    },
  };
}

/** A record's `callId` for a message; `undefined` when it cannot be read. */
function callIdOf(record: unknown): unknown {
  try {
    return (record as { callId?: unknown }).callId;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
