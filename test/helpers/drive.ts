import type { FakeClock, FakeTimer } from '../../src/testing/index.ts';

/** Retry and backoff delays are short; attempt and call timeouts are long. */
export const shortTimer = (timer: FakeTimer) => !timer.background && timer.delayMs <= 10_000;

/**
 * Waits for `promise`, advancing the fake clock to each short timer (retry delays, Retry-After
 * waits) as it is scheduled, while real I/O against loopback servers runs in between. Long timers
 * (attempt and call timeouts) are left alone, so they only fire when a test advances to them.
 */
export async function drive<T>(clock: FakeClock, promise: Promise<T>, filter = shortTimer): Promise<T> {
  let done = false;
  const settled = promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  while (!done) {
    const timer = await Promise.race([clock.waitForTimer(filter), settled.then(() => undefined)]);
    if (timer && !done && clock.timers().some((pending) => pending.id === timer.id)) {
      await clock.advance(Math.max(0, timer.dueAt - clock.now()));
    }
  }
  return promise;
}
