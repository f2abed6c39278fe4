import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { parseSetting } from '../../src/errors/check-settings.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import {
  limitSettingsSchema,
  limitTimeZoneSchema,
  scopedLimitsSchema,
} from '../../src/limits/limit-settings-schema.ts';
import type { RateLimiterSettings } from '../../src/limits/rate-limiter.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';

function issuesOf(schema: z.ZodMiniType, value: unknown): { path: string; message: string }[] {
  const result = parseSetting(schema, value);
  expect(result.success, 'expected the value to be rejected').toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
}

function settingsError(settings: unknown): InvalidSettingsError {
  try {
    createRateLimiter(settings as RateLimiterSettings);
  } catch (error) {
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    return error as InvalidSettingsError;
  }
  throw new Error('createRateLimiter() should have thrown');
}

describe('limitSettingsSchema', () => {
  it('accepts every limit, 0 included, and keeps the values', () => {
    const limits = {
      requestsPerMinute: 0,
      tokensPerMinute: 100_000,
      requestsPerDay: 10_000,
      tokensPerDay: 5_000_000,
      budgetUsdPerDay: 2.5,
      budgetUsdPerMonth: 50,
    };
    expect(limitSettingsSchema.parse(limits)).toEqual(limits);
    expect(limitSettingsSchema.parse({})).toEqual({});
  });

  it('names what was expected for each bad value', () => {
    expect(
      issuesOf(limitSettingsSchema, {
        requestsPerMinute: 1.5,
        tokensPerMinute: -1,
        requestsPerDay: '100',
        budgetUsdPerDay: -0.01,
        budgetUsdPerMonth: Number.POSITIVE_INFINITY,
      }),
    ).toEqual([
      { path: 'requestsPerMinute', message: 'expected a whole number of requests' },
      { path: 'tokensPerMinute', message: 'expected 0 or more tokens (0 allows none)' },
      { path: 'requestsPerDay', message: 'expected a number of requests' },
      { path: 'budgetUsdPerDay', message: 'expected 0 or more USD (0 allows no spend)' },
      { path: 'budgetUsdPerMonth', message: 'expected a USD amount, e.g. 25 or 0.5' },
    ]);
  });

  it('bounds budgets to what whole micro-dollars hold exactly (1e300 USD became an infinite limit)', () => {
    expect(issuesOf(limitSettingsSchema, { budgetUsdPerDay: 1e300, budgetUsdPerMonth: 1e9 })).toEqual([
      {
        path: 'budgetUsdPerDay',
        message: 'expected at most 1,000,000,000 USD (leave the budget out for no limit)',
      },
    ]);
  });

  it('rejects common spellings and says what to write instead', () => {
    expect(
      issuesOf(limitSettingsSchema, {
        rpm: 60,
        tpm: 1000,
        max_budget: 5,
        budgetUsd: { day: 1 },
        perMinute: 1,
      }),
    ).toEqual([
      { path: 'rpm', message: 'unknown setting; write `requestsPerMinute` instead' },
      { path: 'tpm', message: 'unknown setting; write `tokensPerMinute` instead' },
      {
        path: 'max_budget',
        message: 'unknown setting; write `budgetUsdPerMonth` (or `budgetUsdPerDay`) instead',
      },
      {
        path: 'budgetUsd',
        message: 'unknown setting; write `budgetUsdPerDay` and/or `budgetUsdPerMonth` instead',
      },
      {
        path: 'perMinute',
        message:
          'unknown setting (expected one of requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay, budgetUsdPerDay, budgetUsdPerMonth)',
      },
    ]);
  });

  it('rejects a non-object with an example', () => {
    expect(issuesOf(limitSettingsSchema, 60)[0]?.message).toMatch(/^expected an object of limits, e\.g\./);
  });

  it('reports full paths when embedded in a larger schema', () => {
    const router = z.strictObject({ limits: z.strictObject({ scopes: scopedLimitsSchema }) });
    expect(
      issuesOf(router, {
        limits: { scopes: { 'provider:openai': { rpm: 5 }, 'user:*': { budgetUsdPerDay: 'lots' } } },
      }),
    ).toEqual([
      {
        path: 'limits.scopes.provider:openai.rpm',
        message: 'unknown setting; write `requestsPerMinute` instead',
      },
      { path: 'limits.scopes.user:*.budgetUsdPerDay', message: 'expected a USD amount, e.g. 25 or 0.5' },
    ]);
  });
});

describe('scope and time-zone schemas', () => {
  it('scopes must be "<kind>:<id>"', () => {
    expect(scopedLimitsSchema.safeParse({ 'provider:openai': {}, 'user:*': {}, 'key:a:b': {} }).success).toBe(
      true,
    );
    for (const scope of ['openai', 'Provider:openai', 'provider:', ':openai']) {
      expect(issuesOf(scopedLimitsSchema, { [scope]: {} })[0]?.message).toContain(
        'expected a scope "<kind>:<id>"',
      );
    }
  });

  it("time zone is 'UTC' or whole minutes between -720 and 840", () => {
    for (const ok of ['UTC', 0, 60, -300, 330, 840, -720])
      expect(limitTimeZoneSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['Europe/Berlin', 841, -721, 1.5]) {
      expect(issuesOf(limitTimeZoneSchema, bad)[0]?.message).toMatch(
        /^expected 'UTC' or a whole number of minutes/,
      );
    }
  });
});

describe('createRateLimiter() settings', () => {
  it('throws InvalidSettingsError naming every bad setting', () => {
    const error = settingsError({
      clock: {},
      timeZone: 'CET',
      reservationTimeoutMs: 0,
      limits: { 'provider:openai': { tpm: 5 }, users: {} },
    });
    expect(error.issues.map((issue) => issue.setting)).toEqual([
      'clock',
      'timeZone',
      'limits.provider:openai.tpm',
      'limits.users',
      'reservationTimeoutMs',
    ]);
    expect(error.message).toContain('createRateLimiter(): invalid settings.');
    expect(error.message).toContain(
      '  - limits.provider:openai.tpm: unknown setting; write `tokensPerMinute` instead',
    );
  });

  it('setLimits() checks its input the same way and keeps the old limits on failure', () => {
    const limiter = createRateLimiter({
      clock: createFakeClock(),
      limits: { 'key:a': { requestsPerDay: 5 } },
    });
    let thrown: unknown;
    try {
      limiter.setLimits('key:a', { requestsPerDay: -1 });
    } catch (error) {
      thrown = error;
    }
    expect(InvalidSettingsError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidSettingsError).issues).toEqual([
      { setting: 'limits.requestsPerDay', problem: 'expected 0 or more requests (0 allows none)' },
    ]);
    expect(() => limiter.setLimits('a', { requestsPerDay: 1 })).toThrow(
      /scope: expected a scope "<kind>:<id>"/,
    );
    expect(limiter.limitsOf('key:a')).toEqual({ requestsPerDay: 5 });
  });
});
