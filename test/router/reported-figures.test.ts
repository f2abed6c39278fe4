import { describe, expect, test } from 'vitest';
import { createRouter, type UsageRecord } from '../../src/index.ts';
import {
  createMemoryUsageTracker,
  MAX_REPORTED_COST_USD,
  MAX_REPORTED_TOKENS,
} from '../../src/usage/index.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

// Token counts and costs are what the gateway says: a gateway answering 1e308 tokens or a $1e30
// cost must not put fiction into results, events, budgets or the ledger. Implausible figures are
// ignored (tokens estimated, cost from the catalog) with a warning.

function answer(usage: Record<string, unknown>): string {
  return JSON.stringify({
    id: 'x',
    model: 'gpt-5.4-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'twelve chars' }, finish_reason: 'stop' }],
    usage,
  });
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function expectPlausible(record: UsageRecord): void {
  for (const field of ['inputTokens', 'outputTokens', 'cachedInputTokens'] as const) {
    expect(Number.isSafeInteger(record[field]), field).toBe(true);
    expect(record[field]).toBeGreaterThanOrEqual(0);
    expect(record[field]).toBeLessThanOrEqual(MAX_REPORTED_TOKENS);
  }
  expect(Number.isFinite(record.costUsd)).toBe(true);
  expect(record.costUsd).toBeGreaterThanOrEqual(0);
  expect(record.costUsd).toBeLessThanOrEqual(MAX_REPORTED_COST_USD);
}

async function budgetUsed(router: ReturnType<typeof createRouter>): Promise<number> {
  const status = await router.limits.status(['user:u1']);
  return status.find((entry) => entry.limit === 'budgetUsdPerDay')?.used ?? Number.NaN;
}

describe('figures a gateway reports', () => {
  const limits = { users: { u1: { budgetUsdPerDay: 100 } } };

  test.each([
    ['1e308 prompt tokens', { prompt_tokens: 1e308, completion_tokens: 3 }, 'estimated'],
    ['negative tokens', { prompt_tokens: -5, completion_tokens: 3 }, 'estimated'],
    ['fractional tokens', { prompt_tokens: 1.5, completion_tokens: 3 }, 'estimated'],
    ['tokens as strings', { prompt_tokens: '10', completion_tokens: '3' }, 'estimated'],
    ['usage that is not an object', 42, 'estimated'],
    [
      'cached tokens past the cap',
      { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 2e8 } },
      'estimated',
    ],
  ])('%s: tokens are estimated instead, with a warning', async (_, usage, source) => {
    const { router, openrouter, logger } = await startGateways({
      gateways: { litellm: { enabled: false } },
      limits,
    });
    openrouter.fail({ raw: { headers: JSON_HEADERS, body: answer(usage as Record<string, unknown>) } });
    const reply = await router.chat({ ...hello, user: 'u1' });
    expect(reply.text).toBe('twelve chars');
    expect(reply.cost.source).toBe(source);
    expect(reply.usage.outputTokens).toBe(3); // 'twelve chars' estimated at 4 characters a token
    const [record] = await router.usage.query();
    expectPlausible(record as UsageRecord);
    expect(
      logger.lines.some((line) => line.level === 'warn' && /ignored the token counts/.test(line.message)),
    ).toBe(true);
    expect(await budgetUsed(router)).toBeLessThan(0.01);
  });

  test.each([
    ['usage.cost 1e300', { prompt_tokens: 10, completion_tokens: 3, cost: 1e300 }],
    ['a negative usage.cost', { prompt_tokens: 10, completion_tokens: 3, cost: -1 }],
    ['a usage.cost that is not a number', { prompt_tokens: 10, completion_tokens: 3, cost: 'free' }],
    ['usage.cost past the per-call cap', { prompt_tokens: 10, completion_tokens: 3, cost: 1_000.01 }],
  ])('%s: the cost comes from the catalog instead, with a warning', async (_, usage) => {
    const { router, openrouter, logger } = await startGateways({
      gateways: { litellm: { enabled: false } },
      limits,
    });
    openrouter.fail({ raw: { headers: JSON_HEADERS, body: answer(usage) } });
    const reply = await router.chat({ ...hello, user: 'u1' });
    expect(reply.cost.source).toBe('catalog');
    expect(reply.cost.usd).toBeGreaterThan(0);
    expect(reply.cost.usd).toBeLessThan(0.001);
    expect(reply.usage).toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 0, totalTokens: 13 });
    expect(logger.lines.some((line) => /ignored the cost the gateway reported/.test(line.message))).toBe(
      true,
    );
    expect(await budgetUsed(router)).toBeLessThan(0.001);
    expect((await router.usage.report()).totals.costUsd).toBe(reply.cost.usd);
  });

  test('x-litellm-response-cost: 1e30 is ignored; the report still adds up', async () => {
    const { router, litellm } = await startGateways({ gateways: { openrouter: { enabled: false } }, limits });
    litellm.fail({
      raw: {
        headers: { ...JSON_HEADERS, 'x-litellm-response-cost': '1e30' },
        body: answer({ prompt_tokens: 10, completion_tokens: 3 }),
      },
    });
    const reply = await router.chat({ ...hello, user: 'u1' });
    expect(reply.cost.source).toBe('catalog');
    const report = await router.usage.report({ groupBy: ['gateway'] });
    expect(report.totals.costUsd).toBe(reply.cost.usd);
    expect(await budgetUsed(router)).toBeLessThan(0.001);
  });

  test('a stream whose usage chunk holds 1e308 tokens and a 1e300 cost: estimated, with a warning', async () => {
    const { router, openrouter } = await startGateways({ gateways: { litellm: { enabled: false } }, limits });
    const chunk = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'text/event-stream' },
        body: [
          chunk({ choices: [{ index: 0, delta: { content: 'twelve chars' } }] }),
          chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
          chunk({ choices: [], usage: { prompt_tokens: 1e308, completion_tokens: 3, cost: 1e300 } }),
          'data: [DONE]\n\n',
        ],
      },
    });
    const stream = router.stream({ ...hello, user: 'u1' });
    const usageEvents: unknown[] = [];
    router.on('usage', (record) => usageEvents.push(record));
    const result = await stream.result;
    expect(result.cost.source).toBe('estimated');
    expect(Number.isSafeInteger(result.usage.inputTokens)).toBe(true);
    expectPlausible(usageEvents[0] as UsageRecord);
    expect(await budgetUsed(router)).toBeLessThan(0.001);
  });
});

describe('estimated output tokens never exceed maxTokens', () => {
  // Without figures from the gateway the output is estimated from the text; the gateway cannot have
  // billed more than maxTokens, and the budget reservation counts maxTokens, so neither may the estimate.
  const long = 'word '.repeat(400);

  test('chat: an answer without usage is estimated at most maxTokens', async () => {
    const { router, litellm } = await startGateways({ gateways: { openrouter: { enabled: false } } });
    litellm.fail({
      raw: {
        headers: JSON_HEADERS,
        body: JSON.stringify({
          id: 'x',
          model: 'gpt-5.4-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: long }, finish_reason: 'length' }],
        }),
      },
    });
    const reply = await router.chat({ ...hello, maxTokens: 7 });
    expect(reply.cost.source).toBe('estimated');
    expect(reply.usage.outputTokens).toBe(7);
  });

  test('stream: a stream without a usage chunk is estimated at most maxTokens', async () => {
    const { router, openrouter } = await startGateways({ gateways: { litellm: { enabled: false } } });
    const chunk = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
    openrouter.fail({
      raw: {
        headers: { 'content-type': 'text/event-stream' },
        body: [
          chunk({ choices: [{ index: 0, delta: { content: long } }] }),
          chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }),
          'data: [DONE]\n\n',
        ],
      },
    });
    const result = await router.stream({ ...hello, maxTokens: 7 }).result;
    expect(result.cost.source).toBe('estimated');
    expect(result.usage.outputTokens).toBe(7);
  });
});

describe('reports over records a tracker already holds', () => {
  const valid: UsageRecord = {
    id: 'ok-1',
    callId: 'ok-1',
    startedAt: Date.UTC(2026, 10, 1),
    finishedAt: Date.UTC(2026, 10, 1) + 100,
    user: 'u1',
    keyId: 'gateway:litellm',
    provider: 'openai',
    model: 'openai/gpt-5.4-mini',
    gateway: 'litellm',
    inputTokens: 10,
    outputTokens: 5,
    cachedInputTokens: 0,
    costUsd: 0.25,
    costSource: 'gateway',
    latencyMs: 100,
    timeToFirstTokenMs: undefined,
    attempts: 1,
    fallback: false,
    tags: [],
    status: 'ok',
    errorKind: undefined,
    stream: false,
  };
  // What trackers may hold from before the router checked gateway figures.
  const invalid: Partial<UsageRecord>[] = [
    { costUsd: 1e300 },
    { costUsd: Number.NaN },
    { costUsd: -0.5 },
    { inputTokens: 1e308 },
    { outputTokens: Number.NaN },
    { inputTokens: 1.5 },
    { latencyMs: Number.NaN },
  ];

  test('report(), attribute() and savings never throw: invalid records are skipped and counted', async () => {
    const tracker = createMemoryUsageTracker();
    tracker.record(valid);
    for (const [index, change] of invalid.entries())
      tracker.record({ ...valid, ...change, id: `bad-${index}`, callId: `bad-${index}` });
    const router = createRouter({ logger: false, usage: tracker });
    try {
      const report = await router.usage.report({
        groupBy: ['user', 'model', 'day'],
        savings: { baseline: { model: 'openai/gpt-5.5' } },
      });
      expect(report.invalidRecords).toBe(invalid.length);
      expect(report.totals).toMatchObject({ requests: 1, costUsd: 0.25, inputTokens: 10 });
      expect(report.savings?.actualUsd).toBe(0.25);
      const attribution = await router.usage.attribute({ by: 'user' });
      expect(attribution.rows[0]).toMatchObject({ id: 'u1', costUsd: 0.25, share: 1 });
    } finally {
      await router.close();
    }
  });
});
