import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import * as z from 'zod/mini';
import { createSystemClock } from '../clock/create-system-clock.ts';
import { checkSettings, clockSchema, whole } from '../errors/check-settings.ts';
import type { Clock, TimerHandle } from '../types/clock.ts';
import type { UsageQuery, UsageRecord } from '../types/usage-record.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { checkUsageQuery } from './check-usage-query.ts';
import { describeValue } from './describe-value.ts';
import { openUsageDatabase } from './open-usage-database.ts';
import { checkUsageRecord } from './read-usage-record.ts';
import { UsageStoreError } from './usage-store-error.ts';
import {
  describeUnstorableRecord,
  INSERT_USAGE_RECORD,
  rowToUsageRecord,
  SELECT_USAGE_RECORDS,
  usageQueryToSql,
  usageRecordToRow,
} from './usage-table.ts';

/** What `createSqliteUsageTracker()` takes. */
export interface SqliteUsageTrackerSettings {
  /** The store file; created when missing. Several processes may share it. */
  readonly path: string;
  /**
   * Records written in one transaction. A full batch is written on the next turn of the event loop,
   * never inside `record()`; a background write of 500 records takes about 4 ms (p99 about 20 ms,
   * when it also checkpoints the WAL), and the event loop runs between batches.
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * Longest a record waits in the buffer before a background write is tried, ms of `clock` time.
   * @default 1_000
   */
  readonly flushIntervalMs?: number;
  /**
   * How long `flush()`, `query()` and `close()` wait for another process holding the store's lock,
   * ms. Background writes never wait: they retry later, and report `write-failed` once the store
   * has stayed locked this long.
   * @default 5_000
   */
  readonly busyTimeoutMs?: number;
  /**
   * Most records kept in memory while waiting to be written; beyond it `record()` throws instead of
   * buffering (so a store that stays unwritable cannot exhaust memory). About 0.3 KB a record.
   * @default 100_000
   */
  readonly maxBufferedRecords?: number;
  /** Drives the background writes; pass the router's clock (or a fake one in tests). @default the system clock */
  readonly clock?: Clock;
}

/** A usage tracker persisted in a SQLite file. Every method is synchronous. */
export interface SqliteUsageTracker extends UsageTracker {
  /** The store file. */
  readonly path: string;
  /** Records buffered and not yet written. */
  readonly pending: number;
  /**
   * Buffers a record and returns: it never touches the file, so it never waits for a lock. A call
   * id already stored or buffered is ignored, so retrying `record()` is safe.
   * @throws UsageStoreError `write-failed` when a background write failed since the last call: this
   * record was buffered all the same, and the failed ones stay buffered and are retried. Also
   * `write-failed` when `maxBufferedRecords` records are already waiting (the store has been
   * unwritable for a while, or a loop records faster than the background writes can run): this
   * record was **not** kept; call `flush()` or retry later. `closed` after `close()`.
   * `invalid-record` when the record holds what no report could count (see `USAGE_RECORD_BOUNDS`)
   * or what SQLite cannot store: it was **not** kept, and the records after it are unaffected.
   */
  record(record: UsageRecord): void;
  /**
   * Writes buffered records (waiting up to `busyTimeoutMs`), then reads matching records in insertion order.
   * @throws InvalidRequestError naming the filter at fault.
   */
  query(query?: UsageQuery): readonly UsageRecord[];
  /**
   * Writes every buffered record now, `batchSize` per transaction, waiting up to `busyTimeoutMs`
   * for another process's lock. If a write fails it throws; what was not written stays buffered.
   */
  flush(): void;
  /**
   * Writes every buffered record (as `flush()`) and closes the file. Safe to call twice. If the
   * final write fails it throws and stays open, so no record is dropped; call it again.
   */
  close(): void;
}

const settingsSchema = z
  .strictObject({
    path: z.string().check(z.minLength(1, 'expected the path of the store file')),
    batchSize: z.optional(
      z.number().check(whole('expected a whole number'), z.positive(), z.maximum(100_000)),
    ),
    flushIntervalMs: z.optional(z.number().check(whole('expected a whole number'), z.positive())),
    busyTimeoutMs: z.optional(z.number().check(whole('expected a whole number'), z.nonnegative())),
    maxBufferedRecords: z.optional(z.number().check(whole('expected a whole number'), z.positive())),
    clock: z.optional(clockSchema),
  })
  .check(
    z.refine((settings) => (settings.maxBufferedRecords ?? 100_000) >= (settings.batchSize ?? 500), {
      path: ['maxBufferedRecords'],
      message: 'expected at least batchSize records (500 when batchSize is not set)',
    }),
  );

/** First retry of a background write that found the store locked; doubled on each failure. */
const FIRST_RETRY_MS = 10;
// SQLITE_BUSY and SQLITE_LOCKED primary result codes: another connection holds the lock.
const LOCK_CODES = new Set([5, 6]);

/**
 * Persists usage records in a SQLite file through Node's built-in `node:sqlite`, for one machine.
 *
 * `record()` only buffers. Background writes (timers of `clock` that do not keep the process
 * alive) write the buffer `batchSize` records per transaction, one transaction per turn of the
 * event loop: when a batch is full, and `flushIntervalMs` after the first buffered record. They
 * never wait for a lock: while another process writes, they keep the records and retry after 10,
 * 20, 40 ms... (at most `flushIntervalMs`). `flush()`, `query()` and `close()` write everything and
 * do wait, up to `busyTimeoutMs`. Call `router.close()` (which calls `close()`) before exiting, or
 * the buffer is lost. The file is in WAL mode, so several processes (several routers) can write to
 * it; the call id is the primary key, so each call is stored once whoever writes it and however
 * often.
 *
 * @throws UsageStoreError when the file is corrupt, belongs to another program, was written by a
 * newer schema, or node:sqlite is missing; the file is not modified in those cases.
 * @throws InvalidSettingsError when a setting is out of range.
 *
 * @example
 * const usage = createSqliteUsageTracker({ path: './usage.sqlite' });
 * const router = createRouter({ usage, ... });
 * // ...
 * await router.close(); // writes the last batch
 */
export function createSqliteUsageTracker(settings: SqliteUsageTrackerSettings): SqliteUsageTracker {
  const checked = checkSettings(settingsSchema, settings, 'createSqliteUsageTracker');
  const path = checked.path;
  const batchSize = checked.batchSize ?? 500;
  const flushIntervalMs = checked.flushIntervalMs ?? 1_000;
  const busyTimeoutMs = checked.busyTimeoutMs ?? 5_000;
  const maxBufferedRecords = checked.maxBufferedRecords ?? 100_000;
  const clock = checked.clock ?? createSystemClock();
  const database: DatabaseSync = openUsageDatabase(path, { busyTimeoutMs });
  const insert: StatementSync = database.prepare(INSERT_USAGE_RECORD);
  let busyTimeout = busyTimeoutMs;
  const buffer: SQLInputValue[][] = [];
  let timer: TimerHandle | undefined;
  /** Why the pending timer was set: the interval, a full or overdue batch (next turn), or a retry after a failure. */
  let timerFor: 'interval' | 'batch' | 'retry' | undefined;
  /** Buffered records (at the front) whose interval has passed: written one batch per turn, without waiting again. */
  let overdue = 0;
  /** Background writes failed in a row, and since when (clock time) the store has been locked. */
  let failures = 0;
  let lockedSince: number | undefined;
  let backgroundError: UsageStoreError | undefined;
  let closed = false;

  function assertOpen(): void {
    if (closed) {
      throw new UsageStoreError({
        reason: 'closed',
        path,
        message: `The usage store ${path} was closed; create a new tracker to write to it again.`,
      });
    }
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

  /** One batch per timer, so the event loop runs between transactions. */
  function onTimer(): void {
    if (timerFor !== 'batch') overdue = buffer.length;
    timer = undefined;
    timerFor = undefined;
    if (buffer.length === 0) return;
    const count = Math.min(batchSize, buffer.length);
    try {
      setBusyTimeout(0);
      writeBatch(count);
    } catch (error) {
      failures++;
      const locked = isLockContention(error);
      if (locked) lockedSince ??= clock.now();
      // Another process writing is expected (a shared store): only report a lock held as long as a
      // waiting write would have waited. A timer has no caller to throw to, so the next record()
      // throws it (the router turns that into a tracker-error event).
      if (!locked || clock.now() - (lockedSince ?? 0) >= busyTimeoutMs) {
        backgroundError = writeFailed(buffer.length, error);
      }
      schedule('retry', Math.min(FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20), flushIntervalMs));
      return;
    }
    failures = 0;
    lockedSince = undefined;
    overdue = Math.max(0, overdue - count);
    if (overdue > 0 || buffer.length >= batchSize) schedule('batch', 0);
    else if (buffer.length > 0) schedule('interval', flushIntervalMs);
  }

  /** Writes everything, waiting for locks up to `busyTimeoutMs`. */
  function flush(): void {
    if (buffer.length === 0) return;
    try {
      setBusyTimeout(busyTimeoutMs);
      while (buffer.length > 0) writeBatch(Math.min(batchSize, buffer.length));
    } catch (error) {
      if (timerFor !== 'retry') schedule('retry', FIRST_RETRY_MS);
      throw writeFailed(buffer.length, error);
    }
    cancelTimer();
    failures = 0;
    lockedSince = undefined;
    overdue = 0;
  }

  /** Writes the first `count` buffered records in one transaction, and drops them from the buffer once committed. */
  function writeBatch(count: number): void {
    database.exec('BEGIN IMMEDIATE');
    try {
      for (let index = 0; index < count; index++) insert.run(...(buffer[index] as SQLInputValue[]));
      database.exec('COMMIT');
    } catch (error) {
      rollback();
      throw error;
    }
    buffer.splice(0, count);
  }

  function setBusyTimeout(ms: number): void {
    if (busyTimeout === ms) return;
    database.exec(`PRAGMA busy_timeout = ${ms}`);
    busyTimeout = ms;
  }

  function rollback(): void {
    try {
      database.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (e.g. after an I/O error); nothing is left to undo.
    }
  }

  function writeFailed(count: number, error: unknown): UsageStoreError {
    const detail = error instanceof Error ? error.message : String(error);
    const locked = isLockContention(error)
      ? ` (another process has held its lock for ${lockedSince === undefined ? busyTimeoutMs : clock.now() - lockedSince} ms)`
      : '';
    return new UsageStoreError({
      reason: 'write-failed',
      path,
      cause: error,
      message: `Could not write ${count} usage records to ${path}: ${detail}${locked}. They stay buffered and are retried in the background.`,
    });
  }

  function invalidRecord(record: unknown, why: string): UsageStoreError {
    let callId: unknown;
    try {
      callId = (record as { callId?: unknown }).callId;
    } catch {
      callId = undefined;
    }
    return new UsageStoreError({
      reason: 'invalid-record',
      path,
      message: `The record of call ${describeValue(callId)} was not kept: ${why}. A record must hold what a report can count (see USAGE_RECORD_BOUNDS).`,
    });
  }

  function backlog(record: UsageRecord): UsageStoreError {
    const cause = backgroundError;
    backgroundError = undefined;
    const why = cause ? ` The last write failed: ${cause.message}` : '';
    return new UsageStoreError({
      reason: 'backlog',
      path,
      cause,
      message: `${buffer.length} usage records are already waiting to be written to ${path} (maxBufferedRecords), so the record of call ${record.callId} was not kept.${why} Call flush() to write them now, or raise maxBufferedRecords.`,
    });
  }

  return {
    path,
    get pending() {
      return buffer.length;
    },
    record(record) {
      assertOpen();
      if (buffer.length >= maxBufferedRecords) throw backlog(record);
      // Checked and converted now, so a malformed record fails its own record() call, not every
      // later batch (a NaN in a NOT NULL column would fail each write of the batch holding it).
      const checked = checkUsageRecord(record);
      const unstorable = 'invalid' in checked ? checked.invalid : describeUnstorableRecord(record);
      if (unstorable !== undefined) throw invalidRecord(record, unstorable);
      buffer.push(usageRecordToRow(record));
      if (timerFor === undefined) schedule('interval', flushIntervalMs);
      if (buffer.length >= batchSize && timerFor === 'interval') schedule('batch', 0);
      if (backgroundError) {
        const error = backgroundError;
        backgroundError = undefined;
        throw error;
      }
    },
    query(query: UsageQuery = {}) {
      const checked = checkUsageQuery(query, 'query');
      assertOpen();
      flush();
      const { where, parameters } = usageQueryToSql(checked);
      const statement = database.prepare(`${SELECT_USAGE_RECORDS}${where} ORDER BY rowid`);
      // Rows as arrays read about 2-3 times faster; setReturnArrays() is missing before Node 22.16.
      if (typeof statement.setReturnArrays === 'function') {
        statement.setReturnArrays(true);
        return (statement.all(...parameters) as unknown as SQLOutputValue[][]).map(rowToUsageRecord);
      }
      return statement.all(...parameters).map((row) => rowToUsageRecord(Object.values(row)));
    },
    flush() {
      assertOpen();
      flush();
    },
    close() {
      if (closed) return;
      flush();
      cancelTimer();
      database.close();
      closed = true;
    },
  };
}

function isLockContention(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | undefined)?.errcode;
  return typeof code === 'number' && LOCK_CODES.has(code & 0xff);
}
