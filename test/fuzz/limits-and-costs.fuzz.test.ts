// Property-based checks of router.limits (status, headroom, set) and compareCosts over hostile
// input: every outcome is a result whose numbers are finite and not negative, or an exported typed
// error naming the argument; Object.prototype and Array.prototype are never touched.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRouter,
  InvalidRequestError,
  InvalidSettingsError,
  type LimitStatus,
  type Router,
} from '../../src/index.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import { fuzzParameters } from './fuzz-settings.ts';

const clock = createFakeClock(Date.UTC(2026, 4, 1, 12));
const router: Router = createRouter({
  clock,
  logger: false,
  transports: {
    litellm: createFakeTransport({ gateway: 'litellm', clock }),
    openrouter: createFakeTransport({ gateway: 'openrouter', clock }),
  },
  providers: { openai: { limits: { requestsPerMinute: 10, budgetUsdPerDay: 5 } } },
  limits: { users: { '*': { tokensPerDay: 1_000, budgetUsdPerMonth: 2 } } },
});
afterAll(() => router.close());

function prototypes(): string {
  const describe = (target: object) =>
    Reflect.ownKeys(target)
      .map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(target, key);
        return `${String(key)}:${typeof descriptor?.value}:${typeof descriptor?.get}`;
      })
      .join(',');
  return `${describe(Object.prototype)}|${describe(Array.prototype)}|${describe(Function.prototype)}`;
}
const PROTOTYPES = prototypes();

/** Runs one case: its outcome, and that no prototype changed. */
function outcomeOf<T>(run: () => T): { value?: T; error?: unknown } {
  let outcome: { value?: T; error?: unknown };
  try {
    outcome = { value: run() };
  } catch (error) {
    outcome = { error };
  }
  expect(prototypes()).toBe(PROTOTYPES);
  return outcome;
}

async function settledOf<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown };
  try {
    outcome = { value: await run() };
  } catch (error) {
    outcome = { error };
  }
  expect(prototypes()).toBe(PROTOTYPES);
  return outcome;
}

const amount = (value: number) => Number.isFinite(value) && value >= 0;

function expectSaneStatus(statuses: readonly LimitStatus[]): void {
  for (const status of statuses) {
    for (const value of [status.size, status.used, status.reserved, status.remaining, status.resetsAt]) {
      expect(amount(value), `${status.scope} ${status.limit}: ${value}`).toBe(true);
    }
  }
}

// Anything at all, BigInt, Symbol and null-prototype objects included.
const anything = fc.oneof(
  fc.anything({ withBigInt: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
  fc.constantFrom(Symbol('s'), Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, -1, 1.5, 2 ** 53),
);
const scopeLike = fc.oneof(
  fc.constantFrom(
    'provider:openai',
    'user:alice',
    'user:*',
    'key:k1',
    'user:__proto__',
    '__proto__',
    'constructor',
    'user:',
  ),
  fc.string(),
  anything,
);
const tokenCount = fc.oneof(fc.nat(), fc.constantFrom(0, 1e9, 2 ** 53 - 1), anything);
const modelName = fc.oneof(
  fc.constantFrom(
    'openai/gpt-5.4-mini',
    'anthropic/claude-haiku-4-5',
    'gpt-5.4-mini',
    'nope',
    '__proto__',
    '',
  ),
  anything,
);
const query = fc.oneof(
  fc.record(
    {
      model: fc.oneof(modelName, fc.array(modelName, { maxLength: 3 })),
      require: fc.oneof(
        fc.record(
          {
            tools: fc.oneof(fc.boolean(), anything),
            vision: fc.boolean(),
            json: fc.boolean(),
            providers: fc.oneof(fc.constant(['openai', 'google']), anything),
            minContextTokens: tokenCount,
            maxInputPricePerMillion: fc.oneof(fc.double(), anything),
            maxOutputPricePerMillion: fc.double({ min: 0, max: 100, noNaN: true }),
          },
          { requiredKeys: [] },
        ),
        anything,
      ),
      inputTokens: tokenCount,
      outputTokens: tokenCount,
      cachedInputTokens: tokenCount,
    },
    { requiredKeys: ['inputTokens', 'outputTokens'] },
  ),
  anything,
);
const QUERY_FIELDS = /^(query|model(\[\d+\])?|require(\.\w+)?|inputTokens|outputTokens|cachedInputTokens)$/;

const limitSettings = fc.oneof(
  fc.record(
    {
      requestsPerMinute: tokenCount,
      tokensPerMinute: tokenCount,
      requestsPerDay: tokenCount,
      tokensPerDay: tokenCount,
      budgetUsdPerDay: fc.oneof(fc.double(), fc.constantFrom(1e300, 1e10, 1e9, 0.0000001), anything),
      budgetUsdPerMonth: fc.oneof(fc.double({ min: 0, max: 1e12, noNaN: true }), anything),
    },
    { requiredKeys: [] },
  ),
  anything,
);

describe('router.limits and compareCosts under hostile input', () => {
  it('status(): a sane status list, or InvalidRequestError naming scopes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(scopeLike, { maxLength: 4 }), anything), async (scopes) => {
        const { value, error } = await settledOf(() => router.limits.status(scopes as string[]));
        if (error === undefined) expectSaneStatus(value ?? []);
        else {
          expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidRequestError).option).toMatch(/^scopes(\[\d+\])?$/);
        }
      }),
      fuzzParameters(300),
    );
  });

  it('headroom(): a share from 0 to 1, or InvalidRequestError naming scopes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(scopeLike, { maxLength: 4 }), anything), async (scopes) => {
        const { value, error } = await settledOf(() => router.limits.headroom(scopes as string[]));
        if (error === undefined) expect(value !== undefined && value >= 0 && value <= 1).toBe(true);
        else {
          expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidRequestError).option).toMatch(/^scopes(\[\d+\])?$/);
        }
      }),
      fuzzParameters(300),
    );
  });

  it('set(): accepted, or InvalidSettingsError naming scope or limits; status stays sane either way', async () => {
    await fc.assert(
      fc.asyncProperty(scopeLike, fc.oneof(fc.constant(undefined), limitSettings), async (scope, limits) => {
        const { error } = outcomeOf(() => router.limits.set(scope as string, limits as never));
        if (error !== undefined) {
          expect(InvalidSettingsError.isInstance(error), String(error)).toBe(true);
          for (const issue of (error as InvalidSettingsError).issues)
            expect(issue.setting).toMatch(/^(scope|limits)\b/);
        }
        const { value, error: statusError } = await settledOf(() => router.limits.status());
        expect(statusError).toBeUndefined();
        expectSaneStatus(value ?? []);
      }),
      fuzzParameters(300),
    );
  });

  it('compareCosts(): finite, non-negative costs cheapest first, or InvalidRequestError naming the field', () => {
    fc.assert(
      fc.property(query, (input) => {
        const { value, error } = outcomeOf(() => router.compareCosts(input as never));
        if (error !== undefined) {
          expect(InvalidRequestError.isInstance(error), String(error)).toBe(true);
          expect((error as InvalidRequestError).option).toMatch(QUERY_FIELDS);
          return;
        }
        const rows = value?.rows ?? [];
        rows.forEach((row, index) => {
          for (const cost of [row.inputCostUsd, row.outputCostUsd, row.totalCostUsd])
            expect(amount(cost)).toBe(true);
          expect(row.cheapest).toBe(index === 0);
          if (index > 0) expect(row.totalCostUsd).toBeGreaterThanOrEqual(rows[index - 1]?.totalCostUsd ?? 0);
        });
      }),
      fuzzParameters(400),
    );
  });
});
