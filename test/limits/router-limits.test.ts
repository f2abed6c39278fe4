import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  LimitExceededError,
  type RouterSettings,
} from '../../src/index.ts';
import { measurePrompt, promptTokenBound } from '../../src/limits/prompt-token-bound.ts';
import { costBoundUsd } from '../../src/router/limit-admission.ts';
import {
  createFakeClock,
  createFakeTransport,
  type FakeClock,
  type FakeReply,
} from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

function setup(
  settings: Partial<RouterSettings> = {},
  replies: { litellm?: FakeReply[]; openrouter?: FakeReply[] } = {},
  clock: FakeClock = createFakeClock(),
) {
  // Unless scripted, answers use every token they were allowed (a worst case for budgets).
  const fallback = (request: { maxTokens?: number | undefined }): FakeReply => ({
    usage: { inputTokens: 10, outputTokens: (request.maxTokens ?? 100) - 10 },
  });
  const litellm = createFakeTransport({
    gateway: 'litellm',
    clock,
    replies: replies.litellm ?? [],
    fallback,
  });
  const openrouter = createFakeTransport({
    gateway: 'openrouter',
    clock,
    replies: replies.openrouter ?? [],
    fallback,
  });
  const router = createRouter({ clock, logger: false, transports: { litellm, openrouter }, ...settings });
  return { router, litellm, openrouter, clock };
}

const call = (user = 'u1', model = 'openai/gpt-5.4-mini', maxTokens = 100) => ({
  model,
  user,
  maxTokens,
  messages: [{ role: 'user' as const, content: 'hello' }],
});

describe('limits in routing', () => {
  test('requests per minute: the limit refuses, the call fails clearly, and the next minute frees it', async () => {
    const { router, clock, litellm } = setup({ providers: { openai: { limits: { requestsPerMinute: 2 } } } });
    const reached = collect(router, 'limit-reached');
    await router.chat(call());
    await router.chat(call());
    const error = await router.chat(call()).catch((caught: unknown) => caught);

    expect(LimitExceededError.isInstance(error)).toBe(true);
    const limit = error as LimitExceededError;
    expect(limit).toMatchObject({
      scope: 'provider:openai',
      limit: 'requestsPerMinute',
      used: 2,
      size: 2,
      kind: 'rate',
    });
    expect(limit.retryAfterMs).toBe(60_000 - (clock.now() % 60_000));
    expect(limit.message).toMatch(/requestsPerMinute of provider:openai/);
    expect(reached.length).toBeGreaterThanOrEqual(1);
    expect(reached[0]).toMatchObject({
      scope: 'provider:openai',
      limit: 'requestsPerMinute',
      callId: expect.any(String),
    });
    expect(litellm.calls).toHaveLength(2);
    // One usage record for the refused call too.
    expect(await router.usage.query({ status: 'error' })).toEqual([
      expect.objectContaining({ errorKind: 'limit-exceeded' }),
    ]);

    await clock.advance(limit.retryAfterMs);
    expect((await router.chat(call())).route.provider).toBe('openai');
  });

  test('a candidate without headroom is skipped and the next one serves', async () => {
    const { router } = setup({ limits: { keys: { 'gateway:litellm': { tokensPerMinute: 1_000 } } } });
    const fallbacks = collect(router, 'fallback');
    const first = await router.chat(call('u1', 'openai/gpt-5.4-mini', 900));
    const second = await router.chat(call('u1', 'openai/gpt-5.4-mini', 900));
    expect(first.route.gateway).toBe('litellm');
    expect(second.route.gateway).toBe('openrouter');
    expect(second.attempts[0]).toMatchObject({ outcome: 'skipped', error: { kind: 'limit-exceeded' } });
    expect(fallbacks.at(-1)).toMatchObject({ reason: 'limit-exceeded' });
  });

  test('tokens per day and a user limit, each enforced in its own scope', async () => {
    const { router, clock } = setup({
      limits: { users: { '*': { tokensPerDay: 2_000 }, vip: { tokensPerDay: 100_000 } } },
    });
    await router.chat(call('u1', 'openai/gpt-5.4-mini', 1_500));
    const refused = await router
      .chat(call('u1', 'openai/gpt-5.4-mini', 1_500))
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ name: 'LimitExceededError', scope: 'user:u1', limit: 'tokensPerDay' });
    // Another user has headroom of their own; a user with limits of their own is not bound by '*'.
    expect((await router.chat(call('u2', 'openai/gpt-5.4-mini', 1_500))).text).toContain('echo');
    for (let index = 0; index < 3; index++) await router.chat(call('vip', 'openai/gpt-5.4-mini', 1_500));
    await clock.advance(24 * 3_600_000);
    expect((await router.chat(call('u1', 'openai/gpt-5.4-mini', 1_500))).text).toContain('echo');
  });

  test('USD budget: 100 concurrent calls never overshoot; refusals are quota-exhausted events', async () => {
    const budget = 0.01;
    const { router, clock } = setup(
      { providers: { openai: { limits: { budgetUsdPerDay: budget } } }, ranking: 'cheapest' },
      {
        litellm: Array.from({ length: 100 }, () => ({
          text: 'x',
          usage: { inputTokens: 1_000, outputTokens: 500 },
          delayMs: 10,
        })),
      },
    );
    const exhausted = collect(router, 'quota-exhausted');
    const request = {
      ...call('u1', 'openai/gpt-5.4-mini', 1_000),
      messages: [{ role: 'user' as const, content: 'x'.repeat(3_980) }],
    };
    let done = 0;
    const pending = Array.from({ length: 100 }, () =>
      router
        .chat(request)
        .catch((caught: unknown) => caught)
        .finally(() => {
          done++;
        }),
    );
    // The answers take 10 ms of the fake clock each: move it until every call has settled.
    while (done < 100) await clock.advance(10);
    const results = await Promise.all(pending);
    const spentOf = async () =>
      (await router.usage.query({ status: 'ok' })).reduce((sum, record) => sum + record.costUsd, 0);
    // A burst reserves each call's maximum (prompt + maxTokens), so it can never overshoot; calls
    // that do not fit beside those in flight are refused rather than gambled on.
    expect(await spentOf()).toBeLessThanOrEqual(budget);
    expect(results.some((result) => !(result instanceof Error))).toBe(true);
    // Sequential calls then use the rest of the budget, up to less than one call's maximum.
    for (let index = 0; index < 20; index++) {
      const next = router.chat(request).catch((caught: unknown) => caught);
      await clock.advance(10);
      if ((await next) instanceof Error) break;
    }
    const spent = await spentOf();
    // What each call reserves: the most it can cost (its prompt's token bound, and maxTokens).
    const maxCost = costBoundUsd(
      promptTokenBound(measurePrompt(request), 'openai'),
      1_000,
      router.catalog.get('openai/gpt-5.4-mini')?.pricing ?? { inputPerToken: 0, outputPerToken: 0 },
    );
    expect(spent).toBeLessThanOrEqual(budget + 1e-12);
    expect(spent).toBeGreaterThan(budget - maxCost);
    const refused = results.filter((result) => result instanceof Error);
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.every(
        (error) => LimitExceededError.isInstance(error) || AllCandidatesFailedError.isInstance(error),
      ),
    ).toBe(true);
    expect(exhausted.length).toBeGreaterThan(0);
    expect(exhausted[0]).toMatchObject({ scope: 'provider:openai', limit: 'budgetUsdPerDay', kind: 'quota' });
  });

  test('a failed attempt gives its reservation back', async () => {
    const { router } = setup(
      {
        providers: { openai: { limits: { requestsPerMinute: 1 } } },
        gateways: { openrouter: { enabled: false } },
        retry: { maxRetries: 0 },
      },
      { litellm: [{ error: 'unavailable', status: 503 }] },
    );
    await router.chat(call()).catch(() => undefined);
    // The failed call used nothing: the single request per minute is still there.
    expect((await router.chat(call())).text).toContain('echo');
    const [status] = await router.limits.status(['provider:openai']);
    expect(status).toMatchObject({
      scope: 'provider:openai',
      limit: 'requestsPerMinute',
      used: 1,
      reserved: 0,
      size: 1,
      remaining: 0,
    });
  });

  test('status() lists every configured limit with use, in-flight and remaining; set() changes limits at run time', async () => {
    const { router, clock } = setup(
      { providers: { openai: { limits: { tokensPerMinute: 10_000, budgetUsdPerMonth: 5 } } } },
      { litellm: [{ text: 'x', usage: { inputTokens: 300, outputTokens: 200 } }] },
    );
    await router.chat(call());
    const status = await router.limits.status();
    expect(
      status.map((entry) => [
        entry.scope,
        entry.limit,
        entry.used,
        entry.reserved,
        entry.size,
        entry.remaining,
      ]),
    ).toEqual([
      ['provider:openai', 'tokensPerMinute', 500, 0, 10_000, 9_500],
      [
        'provider:openai',
        'budgetUsdPerMonth',
        expect.closeTo(300 * 0.75e-6 + 200 * 4.5e-6, 9),
        0,
        5,
        expect.closeTo(5 - (300 * 0.75e-6 + 200 * 4.5e-6), 9),
      ],
    ]);
    expect(status[0]?.resetsAt).toBe(clock.now() - (clock.now() % 60_000) + 60_000);

    router.limits.set('user:u9', { requestsPerDay: 0 });
    await expect(router.chat(call('u9'))).rejects.toMatchObject({
      name: 'LimitExceededError',
      scope: 'user:u9',
    });
    router.limits.set('user:u9', undefined);
    expect((await router.chat(call('u9'))).text).toContain('echo');
  });

  test('waitForHeadroomMs waits for a rate limit to free up instead of failing', async () => {
    const { router, clock } = setup({ providers: { openai: { limits: { requestsPerMinute: 1 } } } });
    await router.chat(call());
    const waiting = router.chat({ ...call(), waitForHeadroomMs: 120_000 });
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await clock.advance(30_000);
    expect(settled).toBe(false);
    await clock.advance(30_000);
    const reply = await waiting;
    expect(reply.route.provider).toBe('openai');
  });

  test('bad limit settings are rejected, naming the setting', () => {
    expect(() => createRouter({ providers: { openai: { limits: { rpm: 5 } as never } } })).toThrow(
      /providers\.openai\.limits\.rpm.*requestsPerMinute/s,
    );
    expect(() => createRouter({ limits: { users: { '*': { tokensPerDay: -1 } } } })).toThrow(
      /limits\.users\.\*\.tokensPerDay/,
    );
  });
});

describe('upstream rate-limit signals', () => {
  test('x-ratelimit-remaining-requests: 0 from LiteLLM takes the candidate out of use until the reset', async () => {
    const { router, litellm, clock } = await startGateways();
    litellm.setReply(() => ({ text: 'ok' }));
    litellm.fail({
      status: 200,
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' },
      body: {
        id: 'c1',
        object: 'chat.completion',
        created: 1,
        model: 'openai/gpt-5.4-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'last one' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      },
    });
    expect((await router.chat(hello)).text).toBe('last one');
    expect((await router.chat(hello)).route.gateway).toBe('openrouter');
    await clock.advance(20_000);
    expect((await router.chat(hello)).route.gateway).toBe('litellm');
  });
});
