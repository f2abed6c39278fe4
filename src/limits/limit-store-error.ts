import { RouterError } from '../errors/router-error.ts';

/**
 * Why a shared limit store could not do what was asked:
 * - `unavailable`: it did not answer within `timeoutMs` (or the connection failed) and the store's
 *   policy is `onUnavailable: 'refuse'`; the call is refused rather than let past a budget blind.
 * - `rejected`: the server answered with an error (e.g. `WRONGTYPE`: another application's data
 *   under this `keyPrefix`); trying again will not help.
 * - `closed`: the store was used after `close()`.
 */
export type LimitStoreErrorReason = 'unavailable' | 'rejected' | 'closed';

/** The store operation that failed. */
export type LimitStoreOperation = 'reserve' | 'settle' | 'release' | 'block' | 'read' | 'limits';

/** Thrown by a shared `LimitStore` (Redis). The router turns it into a skipped candidate. */
export class LimitStoreError extends RouterError {
  readonly reason: LimitStoreErrorReason;
  /** Which store, e.g. `'redis'`. */
  readonly store: string;
  readonly operation: LimitStoreOperation;

  constructor(options: {
    reason: LimitStoreErrorReason;
    store: string;
    operation: LimitStoreOperation;
    message: string;
    cause?: unknown;
  }) {
    super({ message: options.message, cause: options.cause, isRetryable: options.reason === 'unavailable' });
    this.name = 'LimitStoreError';
    this.reason = options.reason;
    this.store = options.store;
    this.operation = options.operation;
  }

  static override isInstance(error: unknown): error is LimitStoreError {
    return RouterError.hasName(error, 'LimitStoreError');
  }
}
