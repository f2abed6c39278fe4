import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createMemoryLimitStore } from '../../src/limits/memory-limit-store.ts';
import type { LimitEstimate } from '../../src/limits/rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { ConfiguredLimitName } from '../../src/types/limit-names.ts';
import type { LimitSettings } from '../../src/types/limit-settings.ts';
import { denied, granted } from './helpers.ts';

// 15 Jan 2026, 10:00:30 UTC: 30 s into a minute, 14 h minus 30 s before midnight, 17 days before February.
const START = Date.UTC(2026, 0, 15, 10, 0, 30);
const OPENAI = 'provider:openai';

function setup(limits: Record<string, LimitSettings> = {}) {
  const clock = createFakeClock(START);
  const store = createMemoryLimitStore();
  const limiter = createRateLimiter({ clock, store, limits });
  return { clock, store, limiter };
}

describe('RateLimiter: each limit kind is enforced', () => {
  const cases: {
    limit: ConfiguredLimitName;
    size: number;
    estimate: LimitEstimate;
    used: number;
    unit: 'requests' | 'tokens' | 'usd';
    kind: 'rate' | 'quota';
    retryAfterMs: number;
  }[] = [
    {
      limit: 'requestsPerMinute',
      size: 2,
      estimate: { tokens: 10, costUsd: 0.01 },
      used: 1,
      unit: 'requests',
      kind: 'rate',
      retryAfterMs: 30_000,
    },
    {
      limit: 'tokensPerMinute',
      size: 1000,
      estimate: { tokens: 400, costUsd: 0.01 },
      used: 400,
      unit: 'tokens',
      kind: 'rate',
      retryAfterMs: 30_000,
    },
    {
      limit: 'requestsPerDay',
      size: 2,
      estimate: { tokens: 10, costUsd: 0.01 },
      used: 1,
      unit: 'requests',
      kind: 'rate',
      retryAfterMs: 14 * 3_600_000 - 30_000,
    },
    {
      limit: 'tokensPerDay',
      size: 1000,
      estimate: { tokens: 400, costUsd: 0.01 },
      used: 400,
      unit: 'tokens',
      kind: 'rate',
      retryAfterMs: 14 * 3_600_000 - 30_000,
    },
    {
      limit: 'budgetUsdPerDay',
      size: 1,
      estimate: { tokens: 10, costUsd: 0.4 },
      used: 0.4,
      unit: 'usd',
      kind: 'quota',
      retryAfterMs: 14 * 3_600_000 - 30_000,
    },
    {
      limit: 'budgetUsdPerMonth',
      size: 1,
      estimate: { tokens: 10, costUsd: 0.4 },
      used: 0.4,
      unit: 'usd',
      kind: 'quota',
      retryAfterMs: Date.UTC(2026, 1, 1) - START,
    },
  ];

  it.each(cases)('$limit', async ({ limit, size, estimate, used, unit, kind, retryAfterMs }) => {
    const { limiter } = setup({ [OPENAI]: { [limit]: size } });
    const request = { scopes: [OPENAI], estimate };
    const first = granted(await limiter.reserve(request));
    await limiter.settle(first, { tokens: estimate.tokens, costUsd: estimate.costUsd });
    granted(await limiter.reserve(request));
    const result = await limiter.reserve(request);
    expect(denied(result)).toEqual({
      scope: OPENAI,
      limit,
      kind,
      unit,
      used,
      reserved: used,
      size,
      requested: used,
      retryAfterMs,
      resetsAt: START + retryAfterMs,
      tooLarge: false,
    });
    expect(result.granted ? [] : result.denials).toHaveLength(1);
  });
});

describe('RateLimiter: reserve, settle, release', () => {
  it('takes headroom in every scope or in none', async () => {
    const { limiter } = setup({
      [OPENAI]: { requestsPerMinute: 10 },
      'key:k1': { requestsPerMinute: 1 },
      'user:alice': { requestsPerMinute: 10 },
    });
    const scopes = [OPENAI, 'key:k1', 'user:alice'];
    granted(await limiter.reserve({ scopes, estimate: { tokens: 1, costUsd: 0 } }));
    expect(denied(await limiter.reserve({ scopes, estimate: { tokens: 1, costUsd: 0 } })).scope).toBe(
      'key:k1',
    );
    const reserved = (await limiter.status()).map((status) => [status.scope, status.reserved]);
    expect(reserved).toEqual([
      ['key:k1', 1],
      [OPENAI, 1],
      ['user:alice', 1],
    ]);
  });

  it('settle replaces the estimate with the actuals, in exact micro-dollars', async () => {
    const { limiter } = setup({ [OPENAI]: { tokensPerDay: 10_000, budgetUsdPerDay: 1 } });
    const estimate = { tokens: 2_000, costUsd: 0.3 };
    const a = granted(await limiter.reserve({ scopes: [OPENAI], estimate }));
    const b = granted(await limiter.reserve({ scopes: [OPENAI], estimate }));
    const c = granted(await limiter.reserve({ scopes: [OPENAI], estimate }));
    await limiter.settle(a, { tokens: 700, costUsd: 0.1 });
    await limiter.settle(b, { tokens: 1_234, costUsd: 0.2 });
    const status = await limiter.status([OPENAI]);
    expect(
      status.map(({ limit, used, reserved, remaining }) => ({ limit, used, reserved, remaining })),
    ).toEqual([
      { limit: 'tokensPerDay', used: 1_934, reserved: 2_000, remaining: 6_066 },
      // 0.1 + 0.2 is exactly 0.3 here: counted in whole micro-dollars.
      { limit: 'budgetUsdPerDay', used: 0.3, reserved: 0.3, remaining: 0.4 },
    ]);
    await limiter.settle(c, { tokens: 0, costUsd: 0.07 });
    expect((await limiter.status([OPENAI]))[1]).toMatchObject({ used: 0.37, reserved: 0, remaining: 0.63 });
  });

  it('stores money as whole micro-dollars, costs rounded up so a counter never holds less than the ledger', async () => {
    const { limiter, store } = setup({ [OPENAI]: { budgetUsdPerMonth: 100 } });
    for (const costUsd of [0.07, 0.1, 0.2, 1 / 3, 0.000_000_4]) {
      const reservation = granted(
        await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd } }),
      );
      await limiter.settle(reservation, { tokens: 1, costUsd });
    }
    const [counter] = store.read({ nowMs: START }).counters;
    // 70,000 + 100,000 + 200,000 + 333,334 (333,333.333 rounds up) + 1 (0.4 micro-dollars, up).
    expect(counter).toMatchObject({ used: 703_335, reserved: 0 });
  });

  it('release after a failed call gives the whole reservation back', async () => {
    const { limiter } = setup({ [OPENAI]: { requestsPerMinute: 1, budgetUsdPerDay: 0.5 } });
    const estimate = { tokens: 1_000, costUsd: 0.5 };
    const failed = granted(await limiter.reserve({ scopes: [OPENAI], estimate }));
    expect(denied(await limiter.reserve({ scopes: [OPENAI], estimate })).limit).toBe('budgetUsdPerDay');
    await limiter.release(failed);
    expect((await limiter.status()).map((status) => status.reserved + status.used)).toEqual([0, 0]);
    granted(await limiter.reserve({ scopes: [OPENAI], estimate }));
  });

  it('a second settle or release of a reservation does nothing', async () => {
    const { limiter } = setup({ [OPENAI]: { tokensPerMinute: 1_000 } });
    const reservation = granted(
      await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 500, costUsd: 0 } }),
    );
    await limiter.settle(reservation, { tokens: 300, costUsd: 0 });
    await limiter.settle(reservation, { tokens: 300, costUsd: 0 });
    await limiter.release(reservation);
    expect(await limiter.status()).toMatchObject([{ used: 300, reserved: 0, remaining: 700 }]);
  });

  it('settling twice after the lease ended still counts the call once', async () => {
    const clock = createFakeClock(START);
    const limiter = createRateLimiter({
      clock,
      reservationTimeoutMs: 60_000,
      limits: { [OPENAI]: { tokensPerDay: 10_000 } },
    });
    const reservation = granted(
      await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 500, costUsd: 0 } }),
    );
    await clock.advance(90_000);
    await limiter.settle(reservation, { tokens: 400, costUsd: 0 });
    await limiter.settle(reservation, { tokens: 400, costUsd: 0 });
    expect(await limiter.status()).toMatchObject([{ used: 400, reserved: 0 }]);
  });

  it('an unusable actual counts as the estimate; an unusable estimate throws', async () => {
    const { limiter } = setup({ [OPENAI]: { tokensPerMinute: 1_000, budgetUsdPerDay: 1 } });
    const reservation = granted(
      await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 400, costUsd: 0.25 } }),
    );
    await limiter.settle(reservation, { tokens: Number.NaN, costUsd: -1 });
    expect((await limiter.status()).map((status) => status.used)).toEqual([400, 0.25]);
    await expect(limiter.reserve({ scopes: [OPENAI], estimate: { tokens: -1, costUsd: 0 } })).rejects.toThrow(
      'estimate.tokens: expected a finite number, 0 or more; got -1',
    );
    await expect(
      limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd: Number.NaN } }),
    ).rejects.toThrow(RangeError);
  });

  it('counts a scope listed twice once, and grants calls on scopes without limits', async () => {
    const { limiter, store } = setup({ [OPENAI]: { requestsPerMinute: 1 } });
    const reservation = granted(
      await limiter.reserve({ scopes: [OPENAI, OPENAI, 'user:bob'], estimate: { tokens: 1, costUsd: 0 } }),
    );
    expect(reservation.scopes).toEqual([OPENAI, 'user:bob']);
    expect(reservation.entries).toHaveLength(1);
    const free = granted(
      await limiter.reserve({ scopes: ['user:bob'], estimate: { tokens: 1, costUsd: 0 } }),
    );
    expect(free.entries).toEqual([]);
    // Only the first call holds anything in the store.
    expect(store.stats(START)).toMatchObject({ counters: 1, reservations: 1 });
    await limiter.settle(free, { tokens: 1, costUsd: 0 });
  });

  it('a lost reservation is given back when its lease ends', async () => {
    const clock = createFakeClock(START);
    const limiter = createRateLimiter({
      clock,
      reservationTimeoutMs: 120_000,
      limits: { [OPENAI]: { requestsPerDay: 1 } },
    });
    granted(await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd: 0 } }));
    await clock.advance(119_999);
    denied(await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd: 0 } }));
    await clock.advance(1);
    granted(await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd: 0 } }));
  });
});

describe('RateLimiter: denials', () => {
  it('reports a call larger than the limit as tooLarge', async () => {
    const { limiter } = setup({ [OPENAI]: { tokensPerMinute: 1_000 } });
    const denial = denied(
      await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1_001, costUsd: 0 } }),
    );
    expect(denial).toMatchObject({ limit: 'tokensPerMinute', used: 0, reserved: 0, tooLarge: true });
  });

  it('reports the limit that waiting cannot fix first, then the one that frees up last', async () => {
    const { limiter } = setup({
      [OPENAI]: { requestsPerMinute: 1, requestsPerDay: 1 },
      'key:k1': { budgetUsdPerDay: 0.01 },
      'user:u1': { tokensPerMinute: 100 },
    });
    granted(await limiter.reserve({ scopes: [OPENAI, 'key:k1'], estimate: { tokens: 1, costUsd: 0.01 } }));
    const rateOnly = await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 1, costUsd: 0 } });
    expect(denied(rateOnly).limit).toBe('requestsPerDay');
    expect(rateOnly.granted ? [] : rateOnly.denials.map((denial) => denial.limit)).toEqual([
      'requestsPerMinute',
      'requestsPerDay',
    ]);
    const withQuota = await limiter.reserve({
      scopes: [OPENAI, 'key:k1'],
      estimate: { tokens: 1, costUsd: 0.01 },
    });
    expect(denied(withQuota)).toMatchObject({ scope: 'key:k1', kind: 'quota' });
    const withTooLarge = await limiter.reserve({
      scopes: [OPENAI, 'key:k1', 'user:u1'],
      estimate: { tokens: 101, costUsd: 0.01 },
    });
    expect(denied(withTooLarge)).toMatchObject({ scope: 'user:u1', tooLarge: true });
  });
});

describe('RateLimiter: limits by scope, changed at run time', () => {
  it('a <kind>:* wildcard limits each scope of that kind separately; a scope of its own overrides it', async () => {
    const { limiter } = setup({ 'user:*': { requestsPerMinute: 1 }, 'user:vip': { requestsPerMinute: 3 } });
    const call = (user: string) =>
      limiter.reserve({ scopes: [`user:${user}`], estimate: { tokens: 1, costUsd: 0 } });
    granted(await call('alice'));
    granted(await call('bob'));
    denied(await call('alice'));
    for (let index = 0; index < 3; index++) granted(await call('vip'));
    denied(await call('vip'));
    expect(limiter.limitsOf('user:carol')).toEqual({ requestsPerMinute: 1 });
    expect(limiter.limitsOf('key:k1')).toBeUndefined();
  });

  it('setLimits() lowers, raises and removes limits; counts so far are kept', async () => {
    const { limiter } = setup();
    const call = () => limiter.reserve({ scopes: ['key:k1'], estimate: { tokens: 1, costUsd: 0 } });
    granted(await call());
    limiter.setLimits('key:k1', { requestsPerMinute: 2 });
    granted(await call());
    granted(await call());
    expect(denied(await call())).toMatchObject({ reserved: 2, size: 2 });
    limiter.setLimits('key:k1', { requestsPerMinute: 1 });
    expect(denied(await call())).toMatchObject({ reserved: 2, size: 1 });
    limiter.setLimits('key:k1', { requestsPerMinute: 3 });
    granted(await call());
    limiter.setLimits('key:k1', undefined);
    granted(await call());
    expect(limiter.limitsOf('key:k1')).toBeUndefined();
    expect(await limiter.status()).toEqual([]);
  });
});

describe('RateLimiter: headroom()', () => {
  it('is the remaining share of the tightest limit, in flight included; 1 without limits', async () => {
    const { limiter } = setup({ [OPENAI]: { requestsPerMinute: 10, tokensPerMinute: 1_000 }, 'key:k1': {} });
    expect(await limiter.headroom([OPENAI, 'key:k1'])).toBe(1);
    const reservation = granted(
      await limiter.reserve({ scopes: [OPENAI], estimate: { tokens: 600, costUsd: 0 } }),
    );
    // Requests: 9/10 left; tokens: 400/1000 left.
    expect(await limiter.headroom([OPENAI, 'key:k1'])).toBeCloseTo(0.4, 10);
    await limiter.settle(reservation, { tokens: 100, costUsd: 0 });
    expect(await limiter.headroom([OPENAI])).toBeCloseTo(0.9, 10);
    expect(await limiter.headroom(['key:k1'])).toBe(1);
  });

  it('is 0 for a limit of size 0 and for a scope blocked upstream', async () => {
    const { limiter } = setup({ 'key:off': { requestsPerDay: 0 } });
    expect(await limiter.headroom(['key:off'])).toBe(0);
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 1_000 });
    expect(await limiter.headroom([OPENAI])).toBe(0);
  });
});

describe('RateLimiter: memory', () => {
  it('stays bounded over three months of traffic from ever-new users', async () => {
    const { clock, limiter, store } = setup({
      [OPENAI]: { requestsPerMinute: 100, tokensPerDay: 10_000_000, budgetUsdPerMonth: 1_000 },
      'user:*': { requestsPerMinute: 5, budgetUsdPerDay: 1 },
    });
    let peakCounters = 0;
    // A call every 10 minutes for 92 days, each from a user never seen before; every 3rd call is lost.
    for (let call = 0; call < 92 * 144; call++) {
      const result = await limiter.reserve({
        scopes: [OPENAI, `user:u${call}`],
        estimate: { tokens: 100, costUsd: 0.001 },
      });
      const reservation = granted(result);
      if (call % 3 !== 0) await limiter.settle(reservation, { tokens: 50, costUsd: 0.0005 });
      peakCounters = Math.max(peakCounters, store.stats(clock.now()).counters);
      await clock.advance(600_000);
    }
    const stats = store.stats(clock.now());
    // Live: the provider's minute, day and month counters, today's users' day counters (144 calls
    // a day) and the current call's minute counter; earlier minutes and days are gone.
    expect(stats.reservations).toBeLessThanOrEqual(2);
    expect(peakCounters).toBe(3 + 144 + 1);
    expect(stats.counters).toBeLessThanOrEqual(3 + 144 + 1);
    await clock.advance(31 * 86_400_000);
    expect(store.stats(clock.now())).toEqual({ scopes: 0, counters: 0, reservations: 0, blocks: 0 });
  });
});
