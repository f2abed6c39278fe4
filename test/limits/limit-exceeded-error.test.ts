import { describe, expect, it } from 'vitest';
import { RouterError } from '../../src/errors/router-error.ts';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { formatDuration } from '../../src/limits/describe-limit-denial.ts';
import { limitEventName } from '../../src/limits/limit-event.ts';
import { LimitExceededError } from '../../src/limits/limit-exceeded-error.ts';
import type { LimitDenial } from '../../src/limits/rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { denied, granted } from './helpers.ts';

const START = Date.UTC(2026, 0, 15, 10, 0, 30);

const rateDenial: LimitDenial = {
  scope: 'provider:openai',
  limit: 'tokensPerMinute',
  kind: 'rate',
  unit: 'tokens',
  used: 9_500,
  reserved: 400,
  size: 10_000,
  requested: 2_000,
  retryAfterMs: 42_000,
  resetsAt: Date.UTC(2026, 0, 1, 0, 1),
  tooLarge: false,
};

describe('LimitExceededError', () => {
  it('names the limit, scope, use, size and when it frees up; a rate limit is retryable', () => {
    const error = new LimitExceededError(rateDenial);
    expect(error.message).toBe(
      'tokensPerMinute of provider:openai reached: 9,500 tokens of 10,000 tokens used, 400 tokens in flight; this call needs 2,000 tokens. Frees up in 42 s (2026-01-01T00:01:00.000Z).',
    );
    expect(error).toMatchObject({
      name: 'LimitExceededError',
      scope: 'provider:openai',
      limit: 'tokensPerMinute',
      kind: 'rate',
      used: 9_500,
      size: 10_000,
      retryAfterMs: 42_000,
      isRetryable: true,
      isQuota: false,
    });
    expect(LimitExceededError.isInstance(error)).toBe(true);
    expect(RouterError.isInstance(error)).toBe(true);
    expect(LimitExceededError.isInstance(new RouterError({ message: 'other' }))).toBe(false);
    expect(error.toJSON()).toMatchObject({
      name: 'LimitExceededError',
      limit: 'tokensPerMinute',
      used: 9_500,
    });
  });

  it('says "1 request", not "1 requests", for an amount of one', () => {
    const error = new LimitExceededError({
      ...rateDenial,
      limit: 'requestsPerMinute',
      unit: 'requests',
      used: 1,
      reserved: 0,
      size: 1,
      requested: 1,
    });
    expect(error.message).toBe(
      'requestsPerMinute of provider:openai reached: 1 request of 1 request used; this call needs 1 request. Frees up in 42 s (2026-01-01T00:01:00.000Z).',
    );
  });

  it('is recognised across copies of the package by name and marker', () => {
    const copy = new RouterError({ message: 'from another copy' });
    copy.name = 'LimitExceededError';
    expect(LimitExceededError.isInstance(copy)).toBe(true);
    expect(LimitExceededError.isInstance(Object.assign(new Error('x'), { name: 'LimitExceededError' }))).toBe(
      false,
    );
  });

  it('an exhausted budget is a quota, not retryable, and says to raise it', async () => {
    const clock = createFakeClock(START);
    const limiter = createRateLimiter({ clock, limits: { 'key:team-a': { budgetUsdPerDay: 5 } } });
    const spent = granted(
      await limiter.reserve({ scopes: ['key:team-a'], estimate: { tokens: 1, costUsd: 4.98 } }),
    );
    await limiter.settle(spent, { tokens: 1, costUsd: 4.975 });
    const denial = denied(
      await limiter.reserve({ scopes: ['key:team-a'], estimate: { tokens: 1, costUsd: 0.05 } }),
    );
    const error = new LimitExceededError({ ...denial, cause: 'budget' });
    expect(error.message).toBe(
      'budgetUsdPerDay of key:team-a exhausted: $4.975 of $5 used; this call may cost $0.05. Resets in 13 h 59 min (2026-01-16T00:00:00.000Z); raise budgetUsdPerDay to allow more.',
    );
    expect(error).toMatchObject({ kind: 'quota', isQuota: true, isRetryable: false, used: 4.975, size: 5 });
    expect(error.cause).toBe('budget');
    expect(limitEventName(error)).toBe('quota-exhausted');
    expect(limitEventName(rateDenial)).toBe('limit-reached');
  });

  it('a call larger than the limit says it can never fit', () => {
    const error = new LimitExceededError({
      ...rateDenial,
      used: 0,
      reserved: 0,
      requested: 12_000,
      tooLarge: true,
    });
    expect(error.message).toBe(
      'This call needs 12,000 tokens, more than tokensPerMinute of provider:openai allows (10,000 tokens); it can never fit. Lower maxTokens or the prompt, or raise tokensPerMinute.',
    );
    expect(error.isRetryable).toBe(false);
  });

  it('an upstream limit names the header it came from', () => {
    const error = new LimitExceededError({
      ...rateDenial,
      limit: 'retryAfter',
      unit: 'requests',
      used: 0,
      reserved: 0,
      size: 0,
      requested: 1,
      retryAfterMs: 1_500,
    });
    expect(error.message).toBe(
      'provider:openai is rate-limited upstream (Retry-After); frees up in 2 s (2026-01-01T00:01:00.000Z).',
    );
  });

  it.each([
    [850, '850 ms'],
    [42_000, '42 s'],
    [185_000, '3 min 5 s'],
    [120_000, '2 min'],
    [11_520_000, '3 h 12 min'],
    [3_600_000, '1 h'],
    [1_051_200_000, '12 d 4 h'],
  ])('formatDuration(%i) is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
