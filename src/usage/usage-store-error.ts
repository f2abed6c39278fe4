import { RouterError } from '../errors/router-error.ts';

/**
 * Why a usage store could not be used:
 * - `corrupt`: the file is not a readable SQLite database (bad header, malformed pages).
 * - `foreign`: a valid SQLite database (or a PostgreSQL table of that name) that is not a usage
 *   store of this package.
 * - `unsupported-version`: a usage store written by a newer version of this package.
 * - `unavailable`: `node:sqlite` is missing (Node older than 22.13) or the file cannot be opened;
 *   for PostgreSQL, the tables could not be prepared or read (server unreachable).
 * - `write-failed`: a batch could not be written (disk full, lock held past `busyTimeoutMs`); its
 *   records stay buffered and are retried on the next flush.
 * - `backlog`: the buffer of records waiting to be written is full (`maxBufferedRecords`): this
 *   record was refused and not kept; the store has been unwritable for a while.
 * - `closed`: the tracker was used after `close()`.
 * - `invalid-record`: `record()` was given a record no report could count (tokens or cost NaN,
 *   infinite, negative, fractional or beyond `USAGE_RECORD_BOUNDS`, a field of the wrong type): it
 *   was refused and not kept, so it cannot block the records written after it.
 */
export type UsageStoreErrorReason =
  | 'corrupt'
  | 'foreign'
  | 'unsupported-version'
  | 'unavailable'
  | 'write-failed'
  | 'backlog'
  | 'closed'
  | 'invalid-record';

/**
 * Thrown by the SQLite and PostgreSQL usage trackers. For `corrupt` and `foreign` the file (or
 * table) was checked before anything was written and is left exactly as it was.
 */
export class UsageStoreError extends RouterError {
  readonly reason: UsageStoreErrorReason;
  /** The store file; for PostgreSQL, the table (`schema.prefixusage_records`). */
  readonly path: string;

  constructor({
    reason,
    path,
    message,
    cause,
  }: {
    reason: UsageStoreErrorReason;
    path: string;
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause, isRetryable: reason === 'write-failed' });
    this.name = 'UsageStoreError';
    this.reason = reason;
    this.path = path;
  }

  static override isInstance(error: unknown): error is UsageStoreError {
    return RouterError.hasName(error, 'UsageStoreError');
  }
}
