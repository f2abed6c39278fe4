import type { Clock } from '../types/clock.ts';

/**
 * Runs `run` and settles with it, unless `timeoutMs` of `clock` time pass first: then rejects with
 * `onTimeout()`. The abandoned work keeps running (a client without an abort option cannot be
 * stopped); its eventual result or rejection is dropped, never left unhandled.
 */
export function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  run: () => Promise<T>,
  onTimeout: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = clock.setTimer(() => {
      if (settled) return;
      settled = true;
      reject(onTimeout());
    }, timeoutMs);
    let work: Promise<T>;
    try {
      work = run();
    } catch (error) {
      work = Promise.reject(error);
    }
    work.then(
      (value) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        reject(error);
      },
    );
  });
}
