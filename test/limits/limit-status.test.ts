import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { granted } from './helpers.ts';

const START = Date.UTC(2026, 0, 15, 10, 0, 30);
const NEXT_MINUTE = Date.UTC(2026, 0, 15, 10, 1);
const NEXT_DAY = Date.UTC(2026, 0, 16);
const NEXT_MONTH = Date.UTC(2026, 1, 1);

describe('RateLimiter.status()', () => {
  it('lists every configured limit with used, reserved, size, remaining and resetsAt, then upstream blocks', async () => {
    const clock = createFakeClock(START);
    const limiter = createRateLimiter({
      clock,
      limits: {
        'provider:openai': { requestsPerMinute: 100, tokensPerMinute: 50_000, budgetUsdPerMonth: 20 },
        'key:k1': { requestsPerDay: 1_000, tokensPerDay: 1_000_000, budgetUsdPerDay: 2 },
        'user:*': { budgetUsdPerDay: 0.5 },
        'provider:anthropic': { requestsPerMinute: 10 },
      },
    });
    const scopes = ['provider:openai', 'key:k1', 'user:alice'];
    const done = granted(await limiter.reserve({ scopes, estimate: { tokens: 3_000, costUsd: 0.12 } }));
    await limiter.settle(done, { tokens: 1_250, costUsd: 0.031 });
    granted(await limiter.reserve({ scopes, estimate: { tokens: 2_000, costUsd: 0.05 } }));
    await limiter.applyUpstreamSignal('provider:openai', {
      remainingTokens: 0,
      resetTokensMs: 6_500,
      remainingRequests: 12,
    });

    expect(await limiter.status()).toEqual([
      {
        scope: 'key:k1',
        limit: 'requestsPerDay',
        kind: 'rate',
        unit: 'requests',
        size: 1_000,
        used: 1,
        reserved: 1,
        remaining: 998,
        resetsAt: NEXT_DAY,
      },
      {
        scope: 'key:k1',
        limit: 'tokensPerDay',
        kind: 'rate',
        unit: 'tokens',
        size: 1_000_000,
        used: 1_250,
        reserved: 2_000,
        remaining: 996_750,
        resetsAt: NEXT_DAY,
      },
      {
        scope: 'key:k1',
        limit: 'budgetUsdPerDay',
        kind: 'quota',
        unit: 'usd',
        size: 2,
        used: 0.031,
        reserved: 0.05,
        remaining: 1.919,
        resetsAt: NEXT_DAY,
      },
      {
        scope: 'provider:anthropic',
        limit: 'requestsPerMinute',
        kind: 'rate',
        unit: 'requests',
        size: 10,
        used: 0,
        reserved: 0,
        remaining: 10,
        resetsAt: NEXT_MINUTE,
      },
      {
        scope: 'provider:openai',
        limit: 'requestsPerMinute',
        kind: 'rate',
        unit: 'requests',
        size: 100,
        used: 1,
        reserved: 1,
        remaining: 98,
        resetsAt: NEXT_MINUTE,
      },
      {
        scope: 'provider:openai',
        limit: 'tokensPerMinute',
        kind: 'rate',
        unit: 'tokens',
        size: 50_000,
        used: 1_250,
        reserved: 2_000,
        remaining: 46_750,
        resetsAt: NEXT_MINUTE,
      },
      {
        scope: 'provider:openai',
        limit: 'budgetUsdPerMonth',
        kind: 'quota',
        unit: 'usd',
        size: 20,
        used: 0.031,
        reserved: 0.05,
        remaining: 19.919,
        resetsAt: NEXT_MONTH,
      },
      {
        scope: 'provider:openai',
        limit: 'upstreamTokens',
        kind: 'rate',
        unit: 'tokens',
        size: 0,
        used: 0,
        reserved: 0,
        remaining: 0,
        resetsAt: START + 6_500,
      },
      {
        scope: 'user:alice',
        limit: 'budgetUsdPerDay',
        kind: 'quota',
        unit: 'usd',
        size: 0.5,
        used: 0.031,
        reserved: 0.05,
        remaining: 0.419,
        resetsAt: NEXT_DAY,
      },
    ]);
  });

  it('shows the new window after a roll-over, the new size after setLimits(), and only the scopes asked for', async () => {
    const clock = createFakeClock(START);
    const limiter = createRateLimiter({ clock, limits: { 'key:k1': { requestsPerMinute: 5 } } });
    granted(await limiter.reserve({ scopes: ['key:k1', 'user:bob'], estimate: { tokens: 1, costUsd: 0 } }));
    expect(await limiter.status(['key:k1'])).toMatchObject([{ used: 0, reserved: 1, remaining: 4 }]);
    await clock.advance(30_000);
    limiter.setLimits('key:k1', { requestsPerMinute: 7 });
    expect(await limiter.status()).toEqual([
      {
        scope: 'key:k1',
        limit: 'requestsPerMinute',
        kind: 'rate',
        unit: 'requests',
        size: 7,
        used: 0,
        reserved: 0,
        remaining: 7,
        resetsAt: NEXT_MINUTE + 60_000,
      },
    ]);
    // A scope without limits reports nothing.
    expect(await limiter.status(['user:bob'])).toEqual([]);
  });

  it('remaining is never negative when actual use overshoots the estimate', async () => {
    const limiter = createRateLimiter({
      clock: createFakeClock(START),
      limits: { 'key:k1': { tokensPerMinute: 1_000 } },
    });
    const reservation = granted(
      await limiter.reserve({ scopes: ['key:k1'], estimate: { tokens: 900, costUsd: 0 } }),
    );
    await limiter.settle(reservation, { tokens: 1_400, costUsd: 0 });
    expect(await limiter.status()).toMatchObject([{ used: 1_400, reserved: 0, remaining: 0 }]);
  });
});
