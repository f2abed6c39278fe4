import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { readRateLimit, readRetryAfterMs } from '../../src/transports/http-headers.ts';
import { denied, granted } from './helpers.ts';

const START = Date.UTC(2026, 0, 15, 10, 0, 30);
const OPENAI = 'provider:openai';
const estimate = { tokens: 100, costUsd: 0.001 };

function setup() {
  const clock = createFakeClock(START);
  const limiter = createRateLimiter({ clock });
  const call = (scope = OPENAI) => limiter.reserve({ scopes: [scope, 'user:alice'], estimate });
  return { clock, limiter, call };
}

describe('applyUpstreamSignal()', () => {
  it("a 429's Retry-After leaves the scope no headroom until then, and only that scope", async () => {
    const { clock, limiter, call } = setup();
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 2_000 });
    expect(denied(await call())).toEqual({
      scope: OPENAI,
      limit: 'retryAfter',
      kind: 'rate',
      unit: 'requests',
      used: 0,
      reserved: 0,
      size: 0,
      requested: 1,
      retryAfterMs: 2_000,
      resetsAt: START + 2_000,
      tooLarge: false,
    });
    granted(await call('provider:anthropic'));
    await clock.advance(1_999);
    denied(await call());
    await clock.advance(1);
    granted(await call());
    expect(await limiter.status()).toEqual([]);
  });

  it('x-ratelimit-remaining-requests: 0 and -tokens: 0 block until their resets, read from real headers', async () => {
    const { clock, limiter, call } = setup();
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '1.5s',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '6m0s',
    });
    const snapshot = readRateLimit(headers);
    expect(snapshot).toBeDefined();
    if (snapshot) await limiter.applyUpstreamSignal(OPENAI, snapshot);
    const result = await call();
    expect(
      result.granted ? [] : result.denials.map(({ limit, retryAfterMs }) => [limit, retryAfterMs]),
    ).toEqual([
      ['upstreamRequests', 1_500],
      ['upstreamTokens', 360_000],
    ]);
    // The one reported is the one that frees up last.
    expect(denied(result).limit).toBe('upstreamTokens');
    await clock.advance(1_500);
    expect(denied(await call()).limit).toBe('upstreamTokens');
    await clock.advance(360_000 - 1_500);
    granted(await call());
  });

  it('a 429 with Retry-After and remaining headers applies both', async () => {
    const { limiter, call } = setup();
    const headers = new Headers({ 'retry-after': '3', 'x-ratelimit-remaining-tokens': '0' });
    await limiter.applyUpstreamSignal(OPENAI, {
      ...readRateLimit(headers),
      retryAfterMs: readRetryAfterMs(headers, START),
    });
    expect((await limiter.status()).map(({ limit, resetsAt }) => [limit, resetsAt - START])).toEqual([
      ['retryAfter', 3_000],
      // No reset header: a rate-limit minute.
      ['upstreamTokens', 60_000],
    ]);
    denied(await call());
  });

  it('remaining above 0, a reset of 0 and a Retry-After of 0 block nothing', async () => {
    const { limiter, call } = setup();
    await limiter.applyUpstreamSignal(OPENAI, {
      remainingRequests: 3,
      remainingTokens: 10,
      resetTokensMs: 5_000,
    });
    await limiter.applyUpstreamSignal(OPENAI, { remainingRequests: 0, resetRequestsMs: 0 });
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 0 });
    granted(await call());
    expect(await limiter.status()).toEqual([]);
  });

  it('a shorter Retry-After does not lift a longer one early', async () => {
    const { clock, limiter, call } = setup();
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 10_000 });
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 1_000 });
    await clock.advance(1_000);
    expect(denied(await call()).retryAfterMs).toBe(9_000);
  });

  it('a call may wait out an upstream block (a rate limit) until its deadline', async () => {
    const { clock, limiter } = setup();
    await limiter.applyUpstreamSignal(OPENAI, { retryAfterMs: 2_500 });
    const pending = limiter.reserve({ scopes: [OPENAI], estimate }, { waitUntil: START + 10_000 });
    expect((await clock.waitForTimer()).delayMs).toBe(2_500);
    await clock.advance(2_500);
    granted(await pending);
  });
});
