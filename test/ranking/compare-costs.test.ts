import { afterEach, describe, expect, it } from 'vitest';
import { computeCostUsd } from '../../src/catalog/compute-cost.ts';
import { DEFAULT_CATALOG_DATE } from '../../src/catalog/default-catalog-models.ts';
import { estimatePromptTokens } from '../../src/catalog/estimate-tokens.ts';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import type { CostComparisonRow } from '../../src/ranking/compare-costs.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { ChatMessage } from '../../src/types/chat.ts';
import type { ModelDefinition } from '../../src/types/model.ts';

const routers: Router[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function setup(settings: RouterSettings = {}) {
  const clock = createFakeClock();
  const litellm = createFakeTransport({ gateway: 'litellm', clock });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
  const router = createRouter({ clock, logger: false, transports: { litellm, openrouter }, ...settings });
  routers.push(router);
  return { router, litellm, openrouter };
}

const offer = (row: CostComparisonRow | undefined) => (row ? `${row.model}@${row.gateway}` : undefined);

describe('router.compareCosts()', () => {
  it('prices one model from its catalog prices, cached input at the cache price', () => {
    const { router } = setup();
    const comparison = router.compareCosts({
      model: 'anthropic/claude-haiku-4-5',
      inputTokens: 10_000,
      cachedInputTokens: 4_000,
      outputTokens: 2_000,
    });
    // Haiku 4.5: 1 USD/M input, 0.10 USD/M cached input, 5 USD/M output.
    // Input: 6,000 × 1e-6 + 4,000 × 1e-7 = 0.0064. Output: 2,000 × 5e-6 = 0.01.
    expect(comparison.rows).toHaveLength(2);
    for (const row of comparison.rows) {
      expect(row.model).toBe('anthropic/claude-haiku-4-5');
      expect(row.provider).toBe('anthropic');
      expect(row.inputCostUsd).toBeCloseTo(0.0064, 12);
      expect(row.outputCostUsd).toBeCloseTo(0.01, 12);
      expect(row.totalCostUsd).toBeCloseTo(0.0164, 12);
    }
    expect(comparison.rows.map((row) => [row.gateway, row.gatewayModel, row.cheapest])).toEqual([
      ['litellm', 'anthropic/claude-haiku-4-5', true],
      ['openrouter', 'anthropic/claude-haiku-4.5', false],
    ]);
    expect(comparison.cheapest).toBe(comparison.rows[0]);
    expect(comparison.pricesAsOf).toBe(DEFAULT_CATALOG_DATE);
  });

  it('caps cached tokens at the input tokens', () => {
    const { router } = setup();
    const [row] = router.compareCosts({
      model: 'anthropic/claude-haiku-4-5',
      inputTokens: 10_000,
      cachedInputTokens: 50_000,
      outputTokens: 0,
    }).rows;
    expect(row?.inputCostUsd).toBeCloseTo(10_000 * 1e-7, 12);
    expect(row?.outputCostUsd).toBe(0);
  });

  it('bills cached input at the full input price for a model without a cache price', () => {
    const { router } = setup();
    const [cached] = router.compareCosts({
      model: 'cohere/command-a-03-2025',
      inputTokens: 1_000_000,
      cachedInputTokens: 600_000,
      outputTokens: 0,
    }).rows;
    expect(cached?.inputCostUsd).toBeCloseTo(2.5, 9);
  });

  it('prices each gateway at its own offer: Mistral Small costs less on OpenRouter', () => {
    const { router } = setup();
    const comparison = router.compareCosts({
      model: 'mistral/mistral-small-latest',
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
    });
    expect(comparison.rows.map((row) => [row.gateway, row.gatewayModel])).toEqual([
      ['openrouter', 'mistralai/mistral-small-3.2-24b-instruct'],
      ['litellm', 'mistral/mistral-small-latest'],
    ]);
    const [openrouter, litellm] = comparison.rows;
    // 0.10 + 0.30 USD on Mistral's own price; 0.075 + 0.20 USD on OpenRouter.
    expect(litellm?.totalCostUsd).toBeCloseTo(0.4, 9);
    expect(openrouter?.inputCostUsd).toBeCloseTo(0.075, 9);
    expect(openrouter?.outputCostUsd).toBeCloseTo(0.2, 9);
    expect(openrouter?.totalCostUsd).toBeCloseTo(0.275, 9);
    expect(openrouter?.pricing).toEqual({ inputPerToken: 7.5e-8, outputPerToken: 2e-7 });
    expect([openrouter?.cheapest, litellm?.cheapest]).toEqual([true, false]);
  });

  it('resolves gateway model names', () => {
    const { router } = setup();
    const byDirectName = router.compareCosts({ model: 'gpt-5.4-mini', inputTokens: 100, outputTokens: 100 });
    expect(byDirectName.rows.map(offer)).toEqual([
      'openai/gpt-5.4-mini@litellm',
      'openai/gpt-5.4-mini@openrouter',
    ]);
    const bySlug = router.compareCosts({
      model: 'mistralai/mistral-small-3.2-24b-instruct',
      inputTokens: 100,
      outputTokens: 100,
    });
    expect(bySlug.cheapest?.model).toBe('mistral/mistral-small-latest');
  });

  it('sorts rows cheapest first across models, whatever the order asked', () => {
    const { router } = setup();
    const comparison = router.compareCosts({
      model: ['openai/gpt-5.5', 'google/gemini-2.5-flash-lite'],
      inputTokens: 1_000,
      outputTokens: 1_000,
    });
    expect(comparison.rows.map(offer)).toEqual([
      'google/gemini-2.5-flash-lite@litellm',
      'google/gemini-2.5-flash-lite@openrouter',
      'openai/gpt-5.5@litellm',
      'openai/gpt-5.5@openrouter',
    ]);
    // Flash-Lite: 1,000 × (0.1 + 0.4) / 1e6; GPT-5.5: 1,000 × (5 + 30) / 1e6.
    expect(comparison.rows[0]?.totalCostUsd).toBeCloseTo(0.0005, 12);
    expect(comparison.rows[2]?.totalCostUsd).toBeCloseTo(0.035, 12);
    expect(comparison.rows.map((row) => row.cheapest)).toEqual([true, false, false, false]);
  });

  it('breaks ties by gateway order, across models of the same price', () => {
    const { router } = setup();
    // Sonnet 4.6 and Sonnet 4.5 have the same prices.
    const comparison = router.compareCosts({
      model: ['anthropic/claude-sonnet-4-6', 'anthropic/claude-sonnet-4-5'],
      inputTokens: 1_000,
      outputTokens: 1_000,
    });
    expect(comparison.rows.map(offer)).toEqual([
      'anthropic/claude-sonnet-4-6@litellm',
      'anthropic/claude-sonnet-4-5@litellm',
      'anthropic/claude-sonnet-4-6@openrouter',
      'anthropic/claude-sonnet-4-5@openrouter',
    ]);
  });

  it('puts a cheaper OpenRouter offer before LiteLLM', () => {
    const flashLite = createModelCatalog().get('google/gemini-2.5-flash-lite') as ModelDefinition;
    const { router } = setup({
      catalog: {
        models: [
          { ...flashLite, gatewayPricing: { litellm: { inputPerToken: 1e-6, outputPerToken: 4e-6 } } },
        ],
      },
    });
    const comparison = router.compareCosts({ model: flashLite.id, inputTokens: 1_000, outputTokens: 1_000 });
    expect(comparison.rows.map((row) => [row.gateway, row.cheapest])).toEqual([
      ['openrouter', true],
      ['litellm', false],
    ]);
    expect(comparison.rows[1]?.totalCostUsd).toBeCloseTo(0.005, 12);
  });

  it('compares every model meeting the requirements', () => {
    const { router } = setup();
    const comparison = router.compareCosts({
      require: { providers: ['mistral'] },
      inputTokens: 1_000,
      outputTokens: 1_000,
    });
    expect(comparison.rows.map(offer)).toEqual([
      'mistral/mistral-small-latest@openrouter',
      'mistral/mistral-small-latest@litellm',
      'mistral/mistral-large-latest@litellm',
      'mistral/mistral-large-latest@openrouter',
      'mistral/mistral-medium-latest@litellm',
      'mistral/mistral-medium-latest@openrouter',
    ]);
    expect(comparison.rows.map((row) => row.totalCostUsd)).toEqual([
      expect.closeTo(0.000275, 12),
      expect.closeTo(0.0004, 12),
      expect.closeTo(0.002, 12),
      expect.closeTo(0.002, 12),
      expect.closeTo(0.009, 12),
      expect.closeTo(0.009, 12),
    ]);
  });

  it('over the whole catalog: every offer once, totals never decreasing, Command R7B cheapest', () => {
    const { router } = setup();
    const { rows, cheapest } = router.compareCosts({ inputTokens: 1_000, outputTokens: 1_000 });
    expect(rows).toHaveLength(router.catalog.list().length * 2);
    expect(new Set(rows.map(offer)).size).toBe(rows.length);
    for (let index = 1; index < rows.length; index++) {
      expect(rows[index]?.totalCostUsd).toBeGreaterThanOrEqual(rows[index - 1]?.totalCostUsd ?? 0);
    }
    expect(rows.filter((row) => row.cheapest)).toHaveLength(1);
    expect(offer(cheapest)).toBe('cohere/command-r7b-12-2024@litellm');
    expect(cheapest?.totalCostUsd).toBeCloseTo(0.0001875, 12);
  });

  it('only offers the router can use: disabled providers and gateways are left out', () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm },
      providers: { mistral: { models: ['mistral/mistral-large-latest'] } },
    });
    routers.push(router);
    const { rows } = router.compareCosts({ inputTokens: 1_000, outputTokens: 1_000 });
    expect(rows.map(offer)).toEqual(['mistral/mistral-large-latest@litellm']);
  });

  it('is empty for an unknown model or unmeetable requirements', () => {
    const { router } = setup();
    const unknown = router.compareCosts({ model: 'acme/nothing', inputTokens: 1, outputTokens: 1 });
    expect(unknown).toEqual({ rows: [], cheapest: undefined, pricesAsOf: DEFAULT_CATALOG_DATE });
    const impossible = router.compareCosts({
      require: { vision: true, providers: ['cohere'] },
      inputTokens: 1,
      outputTokens: 1,
    });
    expect(impossible.rows).toEqual([]);
    expect(impossible.cheapest).toBeUndefined();
  });
});

describe('router.chat() with the default cheapest ranking', () => {
  const messages: ChatMessage[] = [{ role: 'user', content: 'Summarise the plan in one line.' }];

  it('is routed to compareCosts’ cheapest row for the same requirements', async () => {
    const { router, litellm, openrouter } = setup();
    const require = { json: true };
    const { cheapest } = router.compareCosts({
      require,
      inputTokens: estimatePromptTokens(messages),
      outputTokens: 200,
    });
    expect(offer(cheapest)).toBe('mistral/mistral-small-latest@openrouter');

    const reply = await router.chat({ require, messages, maxTokens: 200 });
    expect(reply.route).toMatchObject({
      provider: cheapest?.provider,
      model: cheapest?.model,
      gateway: cheapest?.gateway,
      gatewayModel: cheapest?.gatewayModel,
    });
    expect(openrouter.calls).toHaveLength(1);
    expect(openrouter.calls[0]).toMatchObject({
      provider: 'mistral',
      model: 'mistralai/mistral-small-3.2-24b-instruct',
    });
    expect(litellm.calls).toHaveLength(0);
  });

  it('follows the call’s size: a long prompt and a short answer pick another model', async () => {
    // Gemini 2.5 Pro (1.25 / 10 USD/M) is cheaper than Mistral Medium (1.5 / 7.5) only when the prompt
    // is more than ten times the answer.
    const model = ['mistral/mistral-medium-latest', 'google/gemini-2.5-pro'];
    const cases: [ChatMessage[], number, string][] = [
      [[{ role: 'user', content: 'x'.repeat(40_000) }], 100, 'google/gemini-2.5-pro'],
      [[{ role: 'user', content: 'hi' }], 2_000, 'mistral/mistral-medium-latest'],
    ];
    for (const [longOrShort, maxTokens, expected] of cases) {
      const { router, litellm } = setup();
      const { cheapest } = router.compareCosts({
        model,
        inputTokens: estimatePromptTokens(longOrShort),
        outputTokens: maxTokens,
      });
      expect(cheapest?.model).toBe(expected);
      const reply = await router.chat({ model, messages: longOrShort, maxTokens });
      expect(reply.route.model).toBe(expected);
      expect(reply.route.gatewayModel).toBe(cheapest?.gatewayModel);
      expect(litellm.calls.map((call) => call.model)).toEqual([cheapest?.gatewayModel]);
    }
  });

  it('goes to OpenRouter when its offer is the cheapest, and bills at that offer', async () => {
    const flashLite = createModelCatalog().get('google/gemini-2.5-flash-lite') as ModelDefinition;
    const { router, litellm, openrouter } = setup({
      catalog: {
        models: [
          { ...flashLite, gatewayPricing: { litellm: { inputPerToken: 1e-6, outputPerToken: 4e-6 } } },
        ],
      },
    });
    const require = { vision: true, providers: ['google' as const] };
    const { cheapest } = router.compareCosts({
      require,
      inputTokens: estimatePromptTokens(messages),
      outputTokens: 100,
    });
    expect(offer(cheapest)).toBe('google/gemini-2.5-flash-lite@openrouter');

    const reply = await router.chat({ require, messages, maxTokens: 100 });
    expect(reply.route).toMatchObject({
      gateway: 'openrouter',
      gatewayModel: 'google/gemini-2.5-flash-lite',
    });
    expect(openrouter.calls).toHaveLength(1);
    expect(litellm.calls).toHaveLength(0);
    expect(reply.cost.source).toBe('catalog');
    expect(reply.cost.usd).toBeCloseTo(computeCostUsd(flashLite.pricing, reply.usage), 15);
  });
});

describe('router.compareCosts() with a query of the wrong shape', () => {
  const valid = { inputTokens: 1_000, outputTokens: 100 };
  const cases: [string, unknown, string][] = [
    ['0', 0, 'query'],
    ['null', null, 'query'],
    ['a string', 'openai/gpt-5.4-mini', 'query'],
    ['an array', [valid], 'query'],
    ['NaN input tokens', { ...valid, inputTokens: Number.NaN }, 'inputTokens'],
    ['infinite output tokens', { ...valid, outputTokens: Number.POSITIVE_INFINITY }, 'outputTokens'],
    ['negative tokens', { ...valid, inputTokens: -1 }, 'inputTokens'],
    ['fractional tokens', { ...valid, outputTokens: 1.5 }, 'outputTokens'],
    ['BigInt tokens', { ...valid, inputTokens: 10n }, 'inputTokens'],
    ['missing output tokens', { inputTokens: 1 }, 'outputTokens'],
    ['a Symbol for cached tokens', { ...valid, cachedInputTokens: Symbol('x') }, 'cachedInputTokens'],
    ['an object model name', { ...valid, model: {} }, 'model'],
    ['a number in the model list', { ...valid, model: ['openai/gpt-5.4-mini', 5] }, 'model[1]'],
    ['an empty model list', { ...valid, model: [] }, 'model'],
    ['a Symbol model name', { ...valid, model: Symbol('m') }, 'model'],
    ['requirements that are not an object', { ...valid, require: 5 }, 'require'],
    ['providers that are not an array', { ...valid, require: { providers: -1 } }, 'require.providers'],
    [
      'a NaN price cap',
      { ...valid, require: { maxInputPricePerMillion: Number.NaN } },
      'require.maxInputPricePerMillion',
    ],
    ['a string flag', { ...valid, require: { tools: 'yes' } }, 'require.tools'],
    ['a misspelt field', { ...valid, outputToken: 5 }, 'query'],
  ];

  it.each(cases)('%s: InvalidRequestError naming the field, never a NaN cost', (_, query, option) => {
    const { router } = setup();
    let error: unknown;
    try {
      router.compareCosts(query as never);
    } catch (caught) {
      error = caught;
    }
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toMatch(/expected|expects|unknown field/);
  });

  it('a valid query still prices every offer with finite, non-negative costs', () => {
    const { router } = setup();
    const { rows } = router.compareCosts({ ...valid, cachedInputTokens: 5_000 });
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const cost of [row.inputCostUsd, row.outputCostUsd, row.totalCostUsd]) {
        expect(Number.isFinite(cost) && cost >= 0).toBe(true);
      }
    }
  });
});
