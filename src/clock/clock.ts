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

const MAX_TIMER_MS = 2 ** 31 - 1;

/** The real clock: `Date.now()` and Node's timers. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(callback, delayMs, options) {
      // setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): chain shorter timers instead.
      let timer: NodeJS.Timeout;
      const arm = (remaining: number) => {
        timer = setTimeout(
          () => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : callback()),
          Math.min(Math.max(0, remaining), MAX_TIMER_MS),
        );
        if (options?.background) timer.unref();
      };
      arm(delayMs);
      return { cancel: () => clearTimeout(timer) };
    },
  };
}
