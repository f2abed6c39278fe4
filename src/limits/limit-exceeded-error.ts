import { RouterError } from '../errors/router-error.ts';
import type { LimitKind, LimitName, LimitUnit } from '../types/limit-names.ts';
import { describeLimitDenial } from './describe-limit-denial.ts';
import type { LimitDenial } from './rate-limiter.ts';

/** What `LimitExceededError` is built from: a denial from `RateLimiter.reserve()`, and optionally its cause. */
export interface LimitExceededErrorOptions extends LimitDenial {
  readonly cause?: unknown;
}

/**
 * No candidate had headroom: a configured limit (or an upstream rate limit) has no room for the
 * call. The fields name the limit, its scope, how much is used and when it frees up; `kind` tells a
 * rate limit (`isRetryable`: wait `retryAfterMs`) from an exhausted USD budget (`kind: 'quota'`).
 *
 * @example
 * if (LimitExceededError.isInstance(error) && error.kind === 'rate') await sleep(error.retryAfterMs);
 */
export class LimitExceededError extends RouterError {
  readonly scope: string;
  readonly limit: LimitName;
  readonly kind: LimitKind;
  readonly unit: LimitUnit;
  /** Settled use in the current window, in `unit`. */
  readonly used: number;
  /** Held by calls in flight, in `unit`. */
  readonly reserved: number;
  /** The limit, in `unit` (0 for an upstream limit). */
  readonly size: number;
  /** What the call asked for, in `unit`. */
  readonly requested: number;
  /** ms until the limit frees up (its window rolls over, or the upstream block lifts). */
  readonly retryAfterMs: number;
  /** When that is, ms since the epoch. */
  readonly resetsAt: number;
  /** The call alone is larger than the limit; waiting will not help. */
  readonly tooLarge: boolean;

  constructor(options: LimitExceededErrorOptions) {
    super({
      message: describeLimitDenial(options),
      cause: options.cause,
      isRetryable: options.kind === 'rate' && !options.tooLarge,
    });
    this.name = 'LimitExceededError';
    this.scope = options.scope;
    this.limit = options.limit;
    this.kind = options.kind;
    this.unit = options.unit;
    this.used = options.used;
    this.reserved = options.reserved;
    this.size = options.size;
    this.requested = options.requested;
    this.retryAfterMs = options.retryAfterMs;
    this.resetsAt = options.resetsAt;
    this.tooLarge = options.tooLarge;
  }

  /** True for an exhausted USD budget (`budgetUsdPerDay`, `budgetUsdPerMonth`). */
  get isQuota(): boolean {
    return this.kind === 'quota';
  }

  static override isInstance(error: unknown): error is LimitExceededError {
    return RouterError.hasName(error, 'LimitExceededError');
  }
}
