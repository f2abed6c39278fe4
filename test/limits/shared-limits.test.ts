import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createMemoryLimitStore } from '../../src/limits/memory-limit-store.ts';
import { LIMIT_SYNC_INTERVAL_MS } from '../../src/limits/shared-limit-sync.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';

// Two limiters on one store stand for two processes on one shared store (Redis in production; the
// Redis suite runs the same through routers).
const START = Date.UTC(2026, 0, 15, 10, 0, 5);
const request = { scopes: ['user:alice'], estimate: { tokens: 10, costUsd: 0 } };

function twoLimiters(limits = {}) {
  const clock = createFakeClock(START);
  const store = createMemoryLimitStore();
  return {
    clock,
    a: createRateLimiter({ clock, store, limits }),
    b: createRateLimiter({ clock, store, limits }),
  };
}

async function grantedOf(limiter: ReturnType<typeof createRateLimiter>, calls: number) {
  let granted = 0;
  for (let index = 0; index < calls; index++) if ((await limiter.reserve(request)).granted) granted++;
  return granted;
}

describe('limits set at run time, on a shared store', () => {
  it('a limit set through one limiter applies in the other within the sync interval', async () => {
    const { clock, a, b } = twoLimiters();
    await b.reserve(request);
    a.setLimits('user:alice', { requestsPerMinute: 3 });
    // Until b reads the store again, it does not know.
    expect(b.limitsOf('user:alice')).toBeUndefined();
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    expect(await grantedOf(b, 5)).toBe(3);
    expect(b.limitsOf('user:alice')).toEqual({ requestsPerMinute: 3 });
    // Both count in the one shared window.
    expect(await grantedOf(a, 1)).toBe(0);
    const [status] = await b.status(['user:alice']);
    expect(status).toMatchObject({ limit: 'requestsPerMinute', size: 3, reserved: 3 });
  });

  it('the latest set() of a scope wins everywhere, and a removal is shared too', async () => {
    const { clock, a, b } = twoLimiters({ 'user:alice': { requestsPerDay: 100 } });
    a.setLimits('user:alice', { requestsPerDay: 50 });
    b.setLimits('user:alice', { requestsPerDay: 20 });
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    await a.reserve(request);
    await b.reserve(request);
    expect(a.limitsOf('user:alice')).toEqual({ requestsPerDay: 20 });
    expect(b.limitsOf('user:alice')).toEqual({ requestsPerDay: 20 });

    b.setLimits('user:alice', undefined);
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    await a.reserve(request);
    expect(a.limitsOf('user:alice')).toBeUndefined();
    expect(await grantedOf(a, 30)).toBe(30);
  });

  it('an older value read while a change is being written does not undo it', async () => {
    const { clock, a, b } = twoLimiters();
    b.setLimits('user:alice', { requestsPerMinute: 7 });
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    // a's first reserve reads the store before a's own write has reached it: the store still says 7.
    a.setLimits('user:alice', { requestsPerMinute: 2 });
    expect(await grantedOf(a, 3)).toBe(2);
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    await a.reserve(request);
    await b.reserve(request);
    expect(a.limitsOf('user:alice')).toEqual({ requestsPerMinute: 2 });
    expect(b.limitsOf('user:alice')).toEqual({ requestsPerMinute: 2 });
  });

  it('with its own store (no store given) a limiter shares nothing', async () => {
    const clock = createFakeClock(START);
    const a = createRateLimiter({ clock });
    const b = createRateLimiter({ clock });
    a.setLimits('user:alice', { requestsPerMinute: 1 });
    await clock.advance(LIMIT_SYNC_INTERVAL_MS);
    await b.reserve(request);
    expect(b.limitsOf('user:alice')).toBeUndefined();
  });
});
