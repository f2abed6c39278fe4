import { describe, expect, test } from 'vitest';
import { createRouter, LimitExceededError, type RouterSettings } from '../../src/index.ts';
import { LimitEventGate } from '../../src/limits/limit-event-gate.ts';
import type { LimitDenial } from '../../src/limits/rate-limiter.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';

const DAY_MS = 86_400_000;

// Two candidates for the model (LiteLLM and OpenRouter), each answering with what it was allowed.
function setup(settings: Partial<RouterSettings>) {
  const clock = createFakeClock(Date.UTC(2026, 2, 10, 9));
  const fallback = (request: { maxTokens?: number | undefined }) => ({
    usage: { inputTokens: 10, outputTokens: request.maxTokens ?? 100 },
  });
  const transports = {
    litellm: createFakeTransport({ gateway: 'litellm', clock, fallback }),
    openrouter: createFakeTransport({ gateway: 'openrouter', clock, fallback }),
  };
  const router = createRouter({ clock, logger: false, transports, ...settings });
  return { router, clock };
}

const call = (user: string) => ({
  model: 'openai/gpt-5.4-mini',
  user,
  maxTokens: 100,
  messages: [{ role: 'user' as const, content: 'hello' }],
});

async function refusedCount(run: () => Promise<unknown>, times: number): Promise<number> {
  let refused = 0;
  for (let index = 0; index < times; index++) {
    const outcome = await run().catch((error: unknown) => error);
    if (LimitExceededError.isInstance(outcome)) refused++;
  }
  return refused;
}

describe('limit-reached and quota-exhausted: one event per limit reached in a window', () => {
  test('80 calls refused by a user budget, each with two candidates, make one quota-exhausted event', async () => {
    const { router } = setup({ limits: { users: { u1: { budgetUsdPerDay: 0.001 } } } });
    const exhausted = collect(router, 'quota-exhausted');
    const refused = await refusedCount(() => router.chat(call('u1')), 82);
    expect(refused).toBe(80);
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]).toMatchObject({
      scope: 'user:u1',
      limit: 'budgetUsdPerDay',
      kind: 'quota',
      size: 0.001,
      callId: expect.any(String),
    });
  });

  test('a rate limit reached makes one limit-reached event per window', async () => {
    const { router, clock } = setup({ providers: { openai: { limits: { requestsPerMinute: 3 } } } });
    const reached = collect(router, 'limit-reached');
    expect(await refusedCount(() => router.chat(call('u1')), 13)).toBe(10);
    expect(reached.map((event) => [event.scope, event.limit, event.kind])).toEqual([
      ['provider:openai', 'requestsPerMinute', 'rate'],
    ]);
    // The next minute is a new window: reached again, one more event.
    await clock.advance(60_000);
    expect(await refusedCount(() => router.chat(call('u1')), 5)).toBe(2);
    expect(reached).toHaveLength(2);
    expect(reached[1]?.resetsAt).toBe((reached[0]?.resetsAt ?? 0) + 60_000);
  });

  test("each scope's budget is its own fact; a raised budget spent again, or the next day's, is a new one", async () => {
    const { router, clock } = setup({ limits: { users: { '*': { budgetUsdPerDay: 0.001 } } } });
    const exhausted = collect(router, 'quota-exhausted');
    // Each user's budget holds two calls.
    expect(await refusedCount(() => router.chat(call('a')), 5)).toBe(3);
    expect(await refusedCount(() => router.chat(call('b')), 5)).toBe(3);
    expect(await refusedCount(() => router.chat(call('a')), 5)).toBe(5);
    expect(exhausted.map((event) => event.scope)).toEqual(['user:a', 'user:b']);

    router.limits.set('user:a', { budgetUsdPerDay: 0.002 });
    expect(await refusedCount(() => router.chat(call('a')), 4)).toBe(2);
    expect(exhausted.map((event) => [event.scope, event.size])).toEqual([
      ['user:a', 0.001],
      ['user:b', 0.001],
      ['user:a', 0.002],
    ]);

    await clock.advance(DAY_MS);
    expect(await refusedCount(() => router.chat(call('b')), 5)).toBe(3);
    expect(exhausted.map((event) => event.scope)).toEqual(['user:a', 'user:b', 'user:a', 'user:b']);
    expect(exhausted[3]?.resetsAt).toBe((exhausted[1]?.resetsAt ?? 0) + DAY_MS);
  });
});

describe('LimitEventGate', () => {
  const denial = (scope: string, nowMs: number, windowMs = 60_000): LimitDenial => {
    const resetsAt = (Math.floor(nowMs / windowMs) + 1) * windowMs;
    return {
      scope,
      limit: 'requestsPerMinute',
      kind: 'rate',
      unit: 'requests',
      used: 1,
      reserved: 0,
      size: 1,
      requested: 1,
      retryAfterMs: resetsAt - nowMs,
      resetsAt,
      tooLarge: false,
    };
  };

  test('remembers only the facts of live windows, however many scopes have been refused', () => {
    const gate = new LimitEventGate();
    let peak = 0;
    for (let minute = 0; minute < 600; minute++) {
      for (let user = 0; user < 50; user++) {
        const nowMs = minute * 60_000 + user;
        expect(gate.isNew(denial(`user:${minute}-${user}`, nowMs))).toBe(true);
        expect(gate.isNew(denial(`user:${minute}-${user}`, nowMs + 1))).toBe(false);
      }
      peak = Math.max(peak, gate.size);
    }
    // 30,000 facts over ten hours; at most a few minutes' worth held at once.
    expect(peak).toBeLessThanOrEqual(200);
  });

  test('a call too large for the limit is a fact of its own', () => {
    const gate = new LimitEventGate();
    const reached = denial('user:a', 1_000);
    expect(gate.isNew(reached)).toBe(true);
    expect(gate.isNew({ ...reached, tooLarge: true, requested: 5 })).toBe(true);
    expect(gate.isNew({ ...reached, tooLarge: true, requested: 7 })).toBe(false);
  });
});
