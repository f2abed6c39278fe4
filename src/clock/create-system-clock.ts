import type { Clock } from '../types/clock.ts';

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
