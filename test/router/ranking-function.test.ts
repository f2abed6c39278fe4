import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import type { RankingInput } from '../../src/ranking/candidate.ts';
import type { RankingFunction } from '../../src/ranking/rank-candidates.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';

const routers: Router[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function setup(ranking: RankingFunction) {
  const clock = createFakeClock();
  const litellm = createFakeTransport({ gateway: 'litellm', clock });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
  const router = createRouter({ clock, logger: false, ranking, transports: { litellm, openrouter } });
  routers.push(router);
  return { router, sent: () => litellm.calls.length + openrouter.calls.length };
}

const hello = { model: 'openai/gpt-5.4-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };

const garbage: [string, (inputs: readonly RankingInput[]) => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a number', () => 42],
  ['a string', () => 'cheapest'],
  ['an object', () => ({ length: 1 })],
  ['an array of null', () => [null]],
  ['an array of strings', () => ['openai/gpt-5.4-mini']],
  ['an array of candidates instead of inputs', (inputs) => inputs.map((input) => input.candidate)],
  ['made-up inputs', () => [{ candidate: { gateway: 'litellm' }, estimatedCostUsd: 0 }]],
  ['the same input twice', (inputs) => [inputs[0], inputs[0]]],
  ['a sparse array of length 2^32 - 1', () => new Array(2 ** 32 - 1)],
];

describe('a ranking function that returns garbage', () => {
  it.each(garbage)(
    'returning %s: chat() rejects with InvalidSettingsError naming `ranking`',
    async (_what, ranking) => {
      const { router, sent } = setup(ranking as RankingFunction);
      const error = await router.chat(hello).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(InvalidSettingsError.isInstance(error)).toBe(true);
      const invalid = error as InvalidSettingsError;
      expect(invalid.issues.map((issue) => issue.setting)).toEqual(['ranking']);
      expect(invalid.message).toContain('  - ranking: the ranking function returned');
      expect(sent()).toBe(0);
    },
  );

  it.each(garbage)('returning %s: stream() throws it at once', (_what, ranking) => {
    const { router } = setup(ranking as RankingFunction);
    expect(() => router.stream(hello)).toThrow(InvalidSettingsError);
  });

  it('that throws: the error is wrapped, naming `ranking`, with the original as cause', async () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'x')");
    const { router } = setup(() => {
      throw original;
    });
    const error = (await router.chat(hello).catch((thrown: unknown) => thrown)) as InvalidSettingsError;
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    expect(error.issues[0]?.problem).toMatch(/^the ranking function threw/);
    expect(error.cause).toBe(original);
  });

  it('copies of its inputs, or a subset of them, are fine', async () => {
    const copies = setup((inputs) => inputs.map((input) => ({ ...input })).reverse());
    expect((await copies.router.chat(hello)).route.gateway).toBe('openrouter');
    const subset = setup((inputs) => inputs.filter((input) => input.candidate.gateway === 'litellm'));
    expect((await subset.router.chat(hello)).route.gateway).toBe('litellm');
  });
});
