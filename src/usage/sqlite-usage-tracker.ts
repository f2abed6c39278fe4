import type { DatabaseSync, SQLInputValue, SQLOutputValue, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { type Clock, createSystemClock, type TimerHandle } from '../clock/clock.ts';
import { checkSettings } from '../errors/check-settings.ts';
import { openUsageDatabase } from './open-usage-database.ts';
import type { UsageQuery, UsageRecord } from './usage-record.ts';
import { UsageStoreError } from './usage-store-error.ts';
import {
  INSERT_USAGE_RECORD,
  rowToUsageRecord,
  SELECT_USAGE_RECORDS,
  usageQueryToSql,
  usageRecordToRow,
} from './usage-table.ts';
import type { UsageTracker } from './usage-tracker.ts';

/** What `createSqliteUsageTracker()` takes. */
export interface SqliteUsageTrackerSettings {
  /** The store file; created when missing. Several processes may share it. */
  readonly path: string;
  /**
   * Records buffered before they are written in one transaction.
   * @default 500
   */
  readonly batchSize?: number;
  /**
   * Longest a record waits in the buffer before it is written, ms of `clock` time.
   * @default 1_000
   */
  readonly flushIntervalMs?: number;
  /**
   * How long a write waits for another process holding the store's lock, ms.
   * @default 5_000
   */
  readonly busyTimeoutMs?: number;
  /** Drives the flush timer; pass the router's clock (or a fake one in tests). @default the system clock */
  readonly clock?: Clock;
}

/** A usage tracker persisted in a SQLite file. Every method is synchronous. */
export interface SqliteUsageTracker extends UsageTracker {
  /** The store file. */
  readonly path: string;
  /** Records buffered and not yet written. */
  readonly pending: number;
  /**
   * Buffers a record; writes the batch when it is full. A call id already stored or buffered is
   * ignored, so retrying `record()` is safe.
   * @throws UsageStoreError `write-failed` when a write fails (the records stay buffered and are
   * retried), `closed` after `close()`.
   */
  record(record: UsageRecord): void;
  /** Writes buffered records, then reads matching records in insertion order. */
  query(query?: UsageQuery): readonly UsageRecord[];
  /** Writes every buffered record now, in one transaction. */
  flush(): void;
  /**
   * Writes every buffered record and closes the file. Safe to call twice. If the final write
   * fails it throws and stays open, so no record is dropped; call it again.
   */
  close(): void;
}

const settingsSchema = z.strictObject({
  path: z.string().min(1, 'expected the path of the store file'),
  batchSize: z.number().int().positive().max(100_000).optional(),
  flushIntervalMs: z.number().int().positive().optional(),
  busyTimeoutMs: z.number().int().nonnegative().optional(),
  clock: z
    .custom<Clock>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Clock).now === 'function' &&
        typeof (value as Clock).setTimer === 'function',
      { message: 'expected a Clock (now() and setTimer())' },
    )
    .optional(),
});

/**
 * Persists usage records in a SQLite file through Node's built-in `node:sqlite`, for one machine.
 *
 * Records are buffered and written in one transaction when `batchSize` is reached, when
 * `flushIntervalMs` has passed since the first buffered record (a background timer: it does not
 * keep the process alive), and on `flush()`, `query()` and `close()`. Call `router.close()` (which
 * calls `close()`) before exiting, or the last buffer is lost. The file is in WAL mode with a busy
 * timeout, so several processes (several routers) can write to it; the call id is the primary key,
 * so each call is stored once whoever writes it and however often.
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
  const clock = checked.clock ?? createSystemClock();
  const database: DatabaseSync = openUsageDatabase(path, { busyTimeoutMs: checked.busyTimeoutMs ?? 5_000 });
  const insert: StatementSync = database.prepare(INSERT_USAGE_RECORD);
  let buffer: SQLInputValue[][] = [];
  let timer: TimerHandle | undefined;
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

  function schedule(): void {
    timer ??= clock.setTimer(onTimer, flushIntervalMs, { background: true });
  }

  function onTimer(): void {
    timer = undefined;
    try {
      flush();
    } catch (error) {
      // A timer has no caller to throw to: the next record() reports it (the router turns that into
      // a tracker-error event). The records stay buffered and flush() has rescheduled itself.
      backgroundError = error as UsageStoreError;
    }
  }

  function flush(): void {
    if (buffer.length === 0) return;
    timer?.cancel();
    timer = undefined;
    try {
      database.exec('BEGIN IMMEDIATE');
      try {
        for (const row of buffer) insert.run(...row);
        database.exec('COMMIT');
      } catch (error) {
        rollback();
        throw error;
      }
    } catch (error) {
      schedule();
      throw new UsageStoreError({
        reason: 'write-failed',
        path,
        cause: error,
        message: `Could not write ${buffer.length} usage records to ${path}: ${error instanceof Error ? error.message : String(error)}. They stay buffered and are retried on the next flush.`,
      });
    }
    buffer = [];
  }

  function rollback(): void {
    try {
      database.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back (e.g. after an I/O error); nothing is left to undo.
    }
  }

  return {
    path,
    get pending() {
      return buffer.length;
    },
    record(record) {
      assertOpen();
      // Converted now, so a malformed record fails its own record() call, not a later batch.
      buffer.push(usageRecordToRow(record));
      if (buffer.length >= batchSize) flush();
      else schedule();
      if (backgroundError) {
        const error = backgroundError;
        backgroundError = undefined;
        throw error;
      }
    },
    query(query: UsageQuery = {}) {
      assertOpen();
      flush();
      const { where, parameters } = usageQueryToSql(query);
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
      timer?.cancel();
      timer = undefined;
      database.close();
      closed = true;
    },
  };
}
