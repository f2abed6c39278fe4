import type { Clock } from '../types/clock.ts';

/** Calls waiting for headroom, woken when a timer falls due or when headroom may have been freed. */
export interface HeadroomWaiters {
  /**
   * Resolves after `delayMs` on the clock, or earlier at the next `notify()`. Rejects with the
   * signal's reason when `signal` aborts. Leaves no timer or listener behind either way.
   */
  wait(delayMs: number, signal: AbortSignal | undefined): Promise<void>;
  /** Headroom may have been freed (a settle, a release, raised limits): wakes every waiter to try again. */
  notify(): void;
}

/** Waiters of one limiter. In-process only: a release in another process is seen at the next timer. */
export function createHeadroomWaiters(clock: Clock): HeadroomWaiters {
  const wakers = new Set<() => void>();
  return {
    wait(delayMs, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const finish = () => {
          timer.cancel();
          wakers.delete(wake);
          signal?.removeEventListener('abort', onAbort);
        };
        const wake = () => {
          finish();
          resolve();
        };
        const onAbort = () => {
          finish();
          reject(signal?.reason);
        };
        const timer = clock.setTimer(wake, delayMs);
        wakers.add(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    notify() {
      for (const wake of [...wakers]) wake();
    },
  };
}
