/** A scheduled callback; `cancel()` is safe to call more than once, and after it fired. */
export interface TimerHandle {
  cancel(): void;
}

export interface TimerOptions {
  /**
   * A background timer (breaker reset, health probe, window roll-over) does not keep the process
   * alive on its own.
   * @default false
   */
  readonly background?: boolean;
}

/**
 * Time, as the router sees it. Every timeout, retry delay, breaker reset and limit window reads
 * this clock, so tests can drive them with `createFakeClock()` from `@bestviable/llm-router/testing`
 * instead of waiting.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `callback` once after `delayMs` milliseconds of this clock's time. */
  setTimer(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
}
