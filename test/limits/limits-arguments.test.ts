import { describe, expect, test } from 'vitest';
import { createRouter, InvalidRequestError } from '../../src/index.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';

function setup() {
  const clock = createFakeClock();
  return createRouter({
    clock,
    logger: false,
    transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
    limits: { users: { '*': { budgetUsdPerDay: 1 } } },
  });
}

async function rejection(promise: () => Promise<unknown>): Promise<unknown> {
  try {
    await promise();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('router.limits.status() and headroom() with bad scopes', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['a string', 'user:a', 'scopes', /expects an array of scopes.*got a string/],
    ['a number', 5, 'scopes', /got a number/],
    ['null', null, 'scopes', /got null/],
    ['an object', {}, 'scopes', /got an object/],
    ['an array of numbers', [1, 2], 'scopes[0]', /expected a scope "<kind>:<id>".*got a number/],
    ['a BigInt in the array', ['user:a', 1n], 'scopes[1]', /got a BigInt/],
    ['a Symbol in the array', [Symbol('x')], 'scopes[0]', /got a symbol/],
    ['a string that is no scope', ['alice'], 'scopes[0]', /without a "<kind>:" prefix/],
  ];

  test.each(cases)('%s: InvalidRequestError naming the argument', async (_, scopes, option, message) => {
    const router = setup();
    for (const method of ['status', 'headroom'] as const) {
      const error = await rejection(() => router.limits[method](scopes as string[]));
      expect(InvalidRequestError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ option });
      expect((error as Error).message).toMatch(message);
    }
  });

  test('valid scopes still answer: status of all, of some, and headroom', async () => {
    const router = setup();
    expect(await router.limits.status()).toEqual([]);
    expect(await router.limits.status(['user:a'])).toMatchObject([
      { scope: 'user:a', size: 1, remaining: 1 },
    ]);
    expect(await router.limits.headroom(['user:a', 'provider:openai'])).toBe(1);
    expect(await router.limits.headroom([])).toBe(1);
  });
});
