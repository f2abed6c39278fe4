import * as z from 'zod/mini';
import { clockSchema, hasMethods, parseSetting, whole } from '../errors/check-settings.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import { isLimitScope } from './limit-scope.ts';

const count = (unit: string) =>
  z
    .number({ message: `expected a number of ${unit}` })
    .check(
      whole(`expected a whole number of ${unit}`),
      z.minimum(0, `expected 0 or more ${unit} (0 allows none)`),
    );

// Budgets are counted in whole micro-dollars, exact up to 2^53: a billion USD keeps every sum exact.
const MAX_BUDGET_USD = 1_000_000_000;

const usd = z
  .number({ message: 'expected a USD amount, e.g. 25 or 0.5' })
  .check(
    z.minimum(0, 'expected 0 or more USD (0 allows no spend)'),
    z.maximum(MAX_BUDGET_USD, 'expected at most 1,000,000,000 USD (leave the budget out for no limit)'),
  );

const limitFields = z.strictObject({
  requestsPerMinute: z.optional(count('requests')),
  tokensPerMinute: z.optional(count('tokens')),
  requestsPerDay: z.optional(count('requests')),
  tokensPerDay: z.optional(count('tokens')),
  budgetUsdPerDay: z.optional(usd),
  budgetUsdPerMonth: z.optional(usd),
});

// Names people bring from LiteLLM and provider dashboards. Not accepted as aliases (one name per
// limit keeps denials, events and status unambiguous), but the error says what to write instead.
const SPELLINGS: Readonly<Record<string, string>> = {
  rpm: '`requestsPerMinute`',
  tpm: '`tokensPerMinute`',
  rpd: '`requestsPerDay`',
  tpd: '`tokensPerDay`',
  rpm_limit: '`requestsPerMinute`',
  tpm_limit: '`tokensPerMinute`',
  max_budget: '`budgetUsdPerMonth` (or `budgetUsdPerDay`)',
  budget: '`budgetUsdPerDay` and/or `budgetUsdPerMonth`',
  budgetUsd: '`budgetUsdPerDay` and/or `budgetUsdPerMonth`',
  dailyBudgetUsd: '`budgetUsdPerDay`',
  monthlyBudgetUsd: '`budgetUsdPerMonth`',
};

/**
 * Checks one `LimitSettings` object: whole numbers of requests and tokens, USD amounts, all 0 or
 * more, no unknown fields. Unknown fields that are common spellings (`rpm`, `tpm`, `max_budget`) are
 * reported with the name to use instead. Embed it in a larger schema; issue paths are relative.
 *
 * @example
 * z.strictObject({ providers: z.record(z.string(), limitSettingsSchema) })
 */
export const limitSettingsSchema: z.ZodMiniType<LimitSettings, unknown> = z.pipe(
  z.unknown(),
  z.transform((value, context): LimitSettings => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      context.issues.push({
        input: value,
        code: 'custom',
        message:
          'expected an object of limits, e.g. { requestsPerMinute: 60, tokensPerMinute: 100_000, budgetUsdPerDay: 5 }',
      });
      return z.NEVER;
    }
    const result = parseSetting(limitFields, value);
    if (result.success) return result.data as LimitSettings;
    for (const issue of result.error.issues) {
      if (issue.code !== 'unrecognized_keys') {
        context.issues.push({
          input: value,
          code: 'custom',
          message: issue.message,
          path: issue.path,
        });
        continue;
      }
      for (const key of issue.keys) {
        const instead = SPELLINGS[key];
        context.issues.push({
          input: value,
          code: 'custom',
          message: instead
            ? `unknown setting; write ${instead} instead`
            : 'unknown setting (expected one of requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay, budgetUsdPerDay, budgetUsdPerMonth)',
          path: [...issue.path, key],
        });
      }
    }
    return z.NEVER;
  }),
);

const SCOPE_EXPECTED =
  'expected a scope "<kind>:<id>", e.g. "provider:openai", "key:<keyId>", "user:<userId>" or "user:*"';

/** Checks a scope key: `<kind>:<id>` such as `provider:openai`, `key:team-a`, `user:alice` or `user:*`. */
export const limitScopeSchema = z
  .string({ message: 'expected a scope string such as "provider:openai"' })
  .check(z.refine(isLimitScope, SCOPE_EXPECTED));

/** Checks limits by scope key: `{ 'provider:openai': { requestsPerMinute: 500 }, 'user:*': { budgetUsdPerDay: 1 } }`. */
export const scopedLimitsSchema = z
  .record(z.string(), limitSettingsSchema, {
    message: 'expected an object of limits by scope, e.g. { "provider:openai": { requestsPerMinute: 500 } }',
  })
  // Keys are checked here, not by a key schema: zod reports key issues only as "Invalid key in
  // record". `when` reports them even when some scope's limits are bad too.
  .check(
    z.superRefine(
      (limits, context) => {
        for (const scope of Object.keys(limits)) {
          if (!isLimitScope(scope))
            context.addIssue({ code: 'custom', message: SCOPE_EXPECTED, path: [scope] });
        }
      },
      { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
    ),
  );

const TIME_ZONE_EXPECTED =
  "expected 'UTC' or a whole number of minutes east of UTC between -720 and 840 (60 for UTC+1, -300 for UTC-5)";

/** Checks a `LimitTimeZone`: `'UTC'` or whole minutes east of UTC between −12 h and +14 h. */
export const limitTimeZoneSchema = z.union(
  [
    z.literal('UTC'),
    z
      .number({ message: TIME_ZONE_EXPECTED })
      .check(
        whole(TIME_ZONE_EXPECTED),
        z.minimum(-720, TIME_ZONE_EXPECTED),
        z.maximum(840, TIME_ZONE_EXPECTED),
      ),
  ],
  { message: TIME_ZONE_EXPECTED },
);

/** Checks `createRateLimiter()` settings. */
export const rateLimiterSettingsSchema = z.strictObject({
  clock: clockSchema,
  store: z.optional(
    z.custom(hasMethods('reserve', 'settle', 'release', 'block', 'read'), {
      message: 'expected a LimitStore (reserve(), settle(), release(), block() and read())',
    }),
  ),
  timeZone: z.optional(limitTimeZoneSchema),
  limits: z.optional(scopedLimitsSchema),
  reservationTimeoutMs: z.optional(
    z
      .number({ message: 'expected a number of milliseconds' })
      .check(
        whole('expected a whole number of milliseconds'),
        z.positive('expected a positive number of milliseconds'),
      ),
  ),
});
