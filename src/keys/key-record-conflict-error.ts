import { RouterError } from '../errors/router-error.ts';

/**
 * A key record was changed (or removed) by another process after it was read, so a write computed
 * from the older read was refused and nothing was written. Read the record again and redo the
 * change: `isRetryable` is true. Thrown by `put(record, expected)` of a store shared by several
 * processes (the PostgreSQL key record store); the vault reads and redoes its change once itself,
 * so `disable()`, `revalidate()` and `enable()` reject with it only after a second conflict in a row.
 */
export class KeyRecordConflictError extends RouterError {
  /** The record's id. */
  readonly keyId: string;

  constructor({ keyId, message }: { keyId: string; message: string }) {
    super({ message, isRetryable: true });
    this.name = 'KeyRecordConflictError';
    this.keyId = keyId;
  }

  static override isInstance(error: unknown): error is KeyRecordConflictError {
    return RouterError.hasName(error, 'KeyRecordConflictError');
  }
}
