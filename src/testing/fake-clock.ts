import type { Clock, TimerHandle, TimerOptions } from '../types/clock.ts';

/** A timer waiting on a fake clock. */
export interface FakeTimer {
  readonly id: number;
  /** When it fires, in the clock's time. */
  readonly dueAt: number;
  /** The delay it was set with. */
  readonly delayMs: number;
  readonly background: boolean;
}

/** A clock that only moves when told to. Timers fire in order as time is advanced. */
export interface FakeClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order. Between
   * timers it lets promise callbacks and pending I/O run, so code that awaits a timer and then
   * schedules another behaves as it would in real time.
   */
  advance(ms: number): Promise<void>;
  /** Advances to the next pending timer matching `filter` (any non-background timer by default) and fires it. */
  next(filter?: (timer: FakeTimer) => boolean): Promise<void>;
  /** Resolves once a timer matching `filter` is pending (at once if one already is). */
  waitForTimer(filter?: (timer: FakeTimer) => boolean): Promise<FakeTimer>;
  /** Pending timers, soonest first. */
  timers(): readonly FakeTimer[];
}

interface Entry extends FakeTimer {
  readonly callback: () => void;
}

// setImmediate lets both microtasks and ready I/O callbacks run; a few rounds let chains of awaits
// (a retry that awaits a sleep, then a fetch) settle before the next timer fires.
async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

const anyForeground = (timer: FakeTimer) => !timer.background;

/**
 * A deterministic clock for tests: breakers, retries, timeouts and limit windows of a router built
 * with it wait on `advance()` instead of real time.
 *
 * @example
 * const clock = createFakeClock();
 * const router = createRouter({ clock, ... });
 * const pending = router.chat(...);          // waits on a Retry-After of 2 s
 * await clock.waitForTimer((t) => t.delayMs === 2000);
 * await clock.advance(2000);
 */
export function createFakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  let nextId = 1;
  const pending = new Map<number, Entry>();
  const waiters = new Set<{ filter: (timer: FakeTimer) => boolean; resolve: (timer: FakeTimer) => void }>();

  const sorted = () => [...pending.values()].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
  const describe = (entry: Entry): FakeTimer => ({
    id: entry.id,
    dueAt: entry.dueAt,
    delayMs: entry.delayMs,
    background: entry.background,
  });

  async function fire(entry: Entry): Promise<void> {
    pending.delete(entry.id);
    now = Math.max(now, entry.dueAt);
    entry.callback();
    await settle();
  }

  return {
    now: () => now,
    setTimer(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle {
      const delay = Math.max(0, delayMs);
      const entry: Entry = {
        id: nextId++,
        dueAt: now + delay,
        delayMs: delay,
        background: options?.background ?? false,
        callback,
      };
      pending.set(entry.id, entry);
      for (const waiter of waiters) {
        if (waiter.filter(entry)) {
          waiters.delete(waiter);
          waiter.resolve(describe(entry));
        }
      }
      return { cancel: () => void pending.delete(entry.id) };
    },
    async advance(ms: number) {
      const target = now + ms;
      await settle();
      for (;;) {
        const due = sorted().find((entry) => entry.dueAt <= target);
        if (!due) break;
        await fire(due);
      }
      now = target;
      await settle();
    },
    async next(filter = anyForeground) {
      await settle();
      const entry = sorted().find((candidate) => filter(describe(candidate)));
      if (!entry) throw new Error('FakeClock.next(): no pending timer matches.');
      // Fire everything due before it too, so time never jumps over a timer.
      for (const earlier of sorted()) {
        if (earlier.dueAt > entry.dueAt) break;
        if (pending.has(earlier.id)) await fire(earlier);
      }
    },
    waitForTimer(filter = anyForeground) {
      const existing = sorted().find((entry) => filter(describe(entry)));
      if (existing) return Promise.resolve(describe(existing));
      return new Promise((resolve) => waiters.add({ filter, resolve }));
    },
    timers: () => sorted().map(describe),
  };
}
