import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import type { ReserveOptions, ReserveResult } from '../../src/limits/rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { LimitSettings } from '../../src/types/limit-settings.ts';
import { denied, granted } from './helpers.ts';

const START = Date.UTC(2026, 0, 15, 10, 0, 30);
const KEY = 'key:k1';
const estimate = { tokens: 10, costUsd: 0.1 };

function setup(limits: LimitSettings) {
  const clock = createFakeClock(START);
  const limiter = createRateLimiter({ clock, limits: { [KEY]: limits } });
  /** Starts a reserve and tracks when it settles, without awaiting it. */
  const start = (options: ReserveOptions) => {
    const state: { result?: ReserveResult; error?: unknown; at?: number } = {};
    const promise = limiter.reserve({ scopes: [KEY], estimate }, options).then(
      (result) => {
        state.result = result;
        state.at = clock.now();
      },
      (error: unknown) => {
        state.error = error;
      },
    );
    return { state, promise };
  };
  return { clock, limiter, start };
}

describe('reserve() with waitUntil', () => {
  it('waits on the clock until the minute rolls over, then grants', async () => {
    const { clock, limiter, start } = setup({ requestsPerMinute: 1 });
    granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const waiting = start({ waitUntil: START + 60_000 });
    const timer = await clock.waitForTimer();
    expect(timer.delayMs).toBe(30_000);
    await clock.advance(29_999);
    expect(waiting.state.result).toBeUndefined();
    await clock.advance(1);
    await waiting.promise;
    expect(waiting.state.at).toBe(Date.UTC(2026, 0, 15, 10, 1));
    granted(waiting.state.result as ReserveResult);
    expect(clock.timers()).toEqual([]);
  });

  it('is woken early when another call releases its headroom, and leaves no timer behind', async () => {
    const { clock, limiter, start } = setup({ requestsPerDay: 1 });
    const first = granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const waiting = start({ waitUntil: START + 60_000 });
    await clock.waitForTimer();
    await clock.advance(1_000);
    expect(waiting.state.result).toBeUndefined();
    await limiter.release(first);
    await waiting.promise;
    expect(waiting.state.at).toBe(START + 1_000);
    granted(waiting.state.result as ReserveResult);
    expect(clock.timers()).toEqual([]);
  });

  it('is woken early when another call settles below its estimate', async () => {
    const { clock, limiter, start } = setup({ tokensPerDay: 15 });
    const first = granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const waiting = start({ waitUntil: START + 60_000 });
    await clock.waitForTimer();
    expect(waiting.state.result).toBeUndefined();
    await limiter.settle(first, { tokens: 4, costUsd: 0.01 });
    await waiting.promise;
    expect(waiting.state.at).toBe(START);
    granted(waiting.state.result as ReserveResult);
    expect(clock.timers()).toEqual([]);
  });

  it('gives up at the deadline with the denial as it stands then', async () => {
    const { clock, limiter, start } = setup({ requestsPerDay: 1 });
    granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const waiting = start({ waitUntil: START + 5_000 });
    const timer = await clock.waitForTimer();
    // The day frees up in ~14 h; the wait is capped at the deadline.
    expect(timer.delayMs).toBe(5_000);
    await clock.advance(4_999);
    expect(waiting.state.result).toBeUndefined();
    await clock.advance(1);
    await waiting.promise;
    expect(waiting.state.at).toBe(START + 5_000);
    expect(denied(waiting.state.result as ReserveResult)).toMatchObject({
      limit: 'requestsPerDay',
      retryAfterMs: Date.UTC(2026, 0, 16) - START - 5_000,
    });
    expect(clock.timers()).toEqual([]);
  });

  it('never waits for an exhausted USD budget', async () => {
    const { clock, limiter } = setup({ budgetUsdPerDay: 0.1, requestsPerMinute: 1 });
    granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const result = await limiter.reserve({ scopes: [KEY], estimate }, { waitUntil: START + 86_400_000 });
    expect(denied(result)).toMatchObject({ limit: 'budgetUsdPerDay', kind: 'quota' });
    expect(result.granted ? [] : result.denials.map((denial) => denial.limit)).toEqual([
      'requestsPerMinute',
      'budgetUsdPerDay',
    ]);
    expect(clock.now()).toBe(START);
    expect(clock.timers()).toEqual([]);
  });

  it('never waits for a call larger than the limit', async () => {
    const { clock, limiter } = setup({ tokensPerMinute: 5 });
    const result = await limiter.reserve({ scopes: [KEY], estimate }, { waitUntil: START + 60_000 });
    expect(denied(result)).toMatchObject({ limit: 'tokensPerMinute', tooLarge: true });
    expect(clock.timers()).toEqual([]);
  });

  it('answers at once without waitUntil, and when the deadline has passed', async () => {
    const { clock, limiter } = setup({ requestsPerMinute: 1 });
    granted(await limiter.reserve({ scopes: [KEY], estimate }));
    denied(await limiter.reserve({ scopes: [KEY], estimate }));
    denied(await limiter.reserve({ scopes: [KEY], estimate }, { waitUntil: START }));
    expect(clock.timers()).toEqual([]);
  });

  it('rejects with the signal reason when aborted while waiting, and cancels its timer', async () => {
    const { clock, limiter, start } = setup({ requestsPerMinute: 1 });
    granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const controller = new AbortController();
    const waiting = start({ waitUntil: START + 60_000, signal: controller.signal });
    await clock.waitForTimer();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await waiting.promise;
    expect(waiting.state.error).toBe(reason);
    expect(clock.timers()).toEqual([]);
    await expect(limiter.reserve({ scopes: [KEY], estimate }, { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('several waiters: each released slot goes to one of them, the rest keep waiting', async () => {
    const { clock, limiter, start } = setup({ requestsPerDay: 1 });
    const first = granted(await limiter.reserve({ scopes: [KEY], estimate }));
    const waiters = [start({ waitUntil: START + 10_000 }), start({ waitUntil: START + 10_000 })];
    await clock.advance(0);
    await limiter.release(first);
    await clock.advance(0);
    const done = waiters.filter((waiter) => waiter.state.result !== undefined);
    expect(done).toHaveLength(1);
    await clock.advance(10_000);
    await Promise.all(waiters.map((waiter) => waiter.promise));
    expect(waiters.map((waiter) => waiter.state.result?.granted).sort()).toEqual([false, true]);
  });
});
