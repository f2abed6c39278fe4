import type { LimitDenial } from './rate-limiter.ts';

/**
 * Decides which limit denials are news, so that `limit-reached` and `quota-exhausted` fire once per
 * fact: the first time a limit of a scope refuses a call in its current window (a minute, day or
 * month; an upstream block until it lifts). Another call, or another candidate of the same call,
 * refused by the same limit in the same window is not news. A new window, a resized limit
 * (`limits.set()`), a longer upstream block, or a call too large for the limit is. Per router,
 * so per process.
 */
export class LimitEventGate {
  // Key of each denial announced, with the end of its window; ended windows are swept from time to
  // time (amortised: when the map has doubled since the last sweep), so the map holds live facts only.
  private readonly announced = new Map<string, number>();
  private sweepAtSize = 64;

  /** True the first time this denial's limit, scope, window and size refuse a call; false after. */
  isNew(denial: LimitDenial): boolean {
    const key = `${denial.scope}\n${denial.limit}\n${denial.resetsAt}\n${denial.size}\n${denial.tooLarge}`;
    if (this.announced.has(key)) return false;
    if (this.announced.size >= this.sweepAtSize) {
      const nowMs = denial.resetsAt - denial.retryAfterMs;
      for (const [other, resetsAt] of this.announced) if (resetsAt <= nowMs) this.announced.delete(other);
      this.sweepAtSize = Math.max(64, 2 * this.announced.size);
    }
    this.announced.set(key, denial.resetsAt);
    return true;
  }

  /** How many facts are remembered (for tests of its bound). */
  get size(): number {
    return this.announced.size;
  }
}
