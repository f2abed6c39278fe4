import { afterEach, describe, expect, it } from 'vitest';
import { computeCostUsd } from '../../src/catalog/compute-cost.ts';
import { parseLiteLLMModelInfo } from '../../src/catalog/live/parse-litellm-model-info.ts';
import { parseOpenRouterModels } from '../../src/catalog/live/parse-openrouter-models.ts';
import { createRouter } from '../../src/router/create-router.ts';
import { costBoundUsd } from '../../src/router/limit-admission.ts';
import {
  createFakeClock,
  type LoopbackCatalogModel,
  liteLLMModelInfo,
  openRouterModels,
  startLiteLLMServer,
} from '../../src/testing/index.ts';
import type { ModelPricing } from '../../src/types/model.ts';

const LITELLM_KEY = 'sk-litellm-long-context-0123456789';
const NOW = Date.UTC(2026, 10, 1, 12);

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.close();
});

describe('long-context prices in the gateways’ live catalogs', () => {
  it('reads LiteLLM’s …_above_<n>k_tokens prices as tiers, and its cache-write price', () => {
    const listing = parseLiteLLMModelInfo(
      {
        data: [
          {
            model_name: 'gemini-pro',
            litellm_params: { model: 'gemini/gemini-2.5-pro' },
            model_info: {
              litellm_provider: 'gemini',
              input_cost_per_token: 1.25e-6,
              output_cost_per_token: 1e-5,
              cache_read_input_token_cost: 1.25e-7,
              cache_creation_input_token_cost: 1.625e-6,
              input_cost_per_token_above_200k_tokens: 2.5e-6,
              output_cost_per_token_above_200k_tokens: 1.5e-5,
              cache_read_input_token_cost_above_200k_tokens: null,
            },
          },
        ],
      },
      NOW,
    );
    expect(listing.models[0]?.pricing).toEqual({
      inputPerToken: 1.25e-6,
      outputPerToken: 1e-5,
      cachedInputPerToken: 1.25e-7,
      cacheWriteInputPerToken: 1.625e-6,
      // A tier price LiteLLM leaves out (null) stays at the base price.
      tiers: [
        {
          aboveInputTokens: 200_000,
          inputPerToken: 2.5e-6,
          outputPerToken: 1.5e-5,
          cachedInputPerToken: 1.25e-7,
          cacheWriteInputPerToken: 1.625e-6,
        },
      ],
    });
  });

  it('reads OpenRouter’s min_prompt_tokens overrides as tiers, later entries winning per price', () => {
    const base = { prompt: '0.000001', completion: '0.000004', input_cache_read: '0.0000001' };
    const entry = (id: string, overrides: unknown) => ({
      id,
      context_length: 1_000_000,
      pricing: { ...base, overrides },
    });
    const listing = parseOpenRouterModels(
      {
        data: [
          entry('acme/tiered', [
            { min_prompt_tokens: 128_001, prompt: '0.000002', completion: '0.000008' },
            // A time window (off-peak hours) is not applied.
            { utc_start: '1630', utc_end: '0030', prompt: '0.0000005' },
            { min_prompt_tokens: 128_001, completion: '0.000009' },
            { min_prompt_tokens: 500_001, prompt: '0.000003' },
          ]),
          entry('acme/odd-overrides', 'not an array'),
          // A nonsensical cache-write price (never applied) is left out, not the model.
          { ...entry('acme/odd-cache-write', []), pricing: { ...base, input_cache_write: '-1' } },
          // A nonsensical tier price skips the entry, like a nonsensical base price.
          entry('acme/negative-tier', [{ min_prompt_tokens: 1_000, prompt: '-1' }]),
        ],
      },
      NOW,
    );
    const byName = new Map(listing.models.map((model) => [model.name, model.pricing]));
    expect(byName.get('acme/tiered')?.tiers).toEqual([
      { aboveInputTokens: 128_000, inputPerToken: 2e-6, outputPerToken: 9e-6, cachedInputPerToken: 1e-7 },
      { aboveInputTokens: 500_000, inputPerToken: 3e-6, outputPerToken: 9e-6, cachedInputPerToken: 1e-7 },
    ]);
    expect(byName.get('acme/odd-overrides')).toEqual({
      inputPerToken: 1e-6,
      outputPerToken: 4e-6,
      cachedInputPerToken: 1e-7,
    });
    expect(byName.get('acme/odd-cache-write')).toEqual(byName.get('acme/odd-overrides'));
    expect(byName.has('acme/negative-tier')).toBe(false);
    expect(listing.skipped).toBe(1);
  });

  it('round-trips the loopback servers’ tiers in both real shapes', () => {
    const model: LoopbackCatalogModel = {
      name: 'acme/round-trip',
      provider: 'acme',
      inputPerToken: 1e-6,
      outputPerToken: 2e-6,
      cacheWriteInputPerToken: 1.25e-6,
      tiers: [{ aboveInputTokens: 200_000, inputPerToken: 2e-6, outputPerToken: 3e-6 }],
    };
    const expected = {
      inputPerToken: 1e-6,
      outputPerToken: 2e-6,
      cacheWriteInputPerToken: 1.25e-6,
      tiers: [
        {
          aboveInputTokens: 200_000,
          inputPerToken: 2e-6,
          outputPerToken: 3e-6,
          cacheWriteInputPerToken: 1.25e-6,
        },
      ],
    };
    const wire = (body: unknown) => JSON.parse(JSON.stringify(body)) as unknown;
    expect(parseLiteLLMModelInfo(wire(liteLLMModelInfo([model])), NOW).models[0]?.pricing).toEqual(expected);
    expect(parseOpenRouterModels(wire(openRouterModels([model])), NOW).models[0]?.pricing).toEqual(expected);
  });
});

describe('a call priced by the tier its prompt falls in', () => {
  const tiered: ModelPricing = {
    inputPerToken: 1e-7,
    outputPerToken: 1e-6,
    tiers: [{ aboveInputTokens: 1_000, inputPerToken: 2e-5, outputPerToken: 4e-5 }],
  };

  it('prices the whole call at the tier above its threshold, and at the base up to it', () => {
    expect(
      computeCostUsd(tiered, { inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 10 }),
    ).toBeCloseTo(1_000 * 1e-7 + 10 * 1e-6, 15);
    expect(
      computeCostUsd(tiered, { inputTokens: 1_001, cachedInputTokens: 0, outputTokens: 10 }),
    ).toBeCloseTo(1_001 * 2e-5 + 10 * 4e-5, 15);
  });

  it('bounds a USD budget reservation at the tier of the prompt’s bound', () => {
    expect(costBoundUsd(1_000, 100, tiered)).toBeCloseTo(1_000 * 1e-7 + 100 * 1e-6, 15);
    expect(costBoundUsd(5_000, 100, tiered)).toBeCloseTo(5_000 * 2e-5 + 100 * 4e-5, 15);
  });

  async function start() {
    // Two models on the proxy: one cheap for short prompts but dear above 1,000 prompt tokens, one flat.
    const litellm = await startLiteLLMServer({
      apiKey: LITELLM_KEY,
      catalog: [
        { name: 'acme/tiered', provider: 'acme', ...tiered, contextWindow: 100_000, maxOutputTokens: 1_000 },
        {
          name: 'acme/flat',
          provider: 'acme',
          inputPerToken: 1e-6,
          outputPerToken: 2e-6,
          contextWindow: 100_000,
          maxOutputTokens: 1_000,
        },
      ],
      // A LiteLLM stream carries no cost: the router prices it from the proxy's /model/info price.
      reply: () => ({ text: 'Done.', costUsd: null }),
    });
    closers.push(litellm);
    const router = createRouter({
      clock: createFakeClock(),
      logger: false,
      retry: { maxRetries: 0 },
      gateways: { litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY } },
    });
    closers.push(router);
    await router.catalog.refresh();
    return { router, litellm };
  }

  it('ranks by the tier: a short prompt goes to the tiered model, a long one to the flat one', async () => {
    const { router } = await start();
    const model = ['acme/tiered', 'acme/flat'];
    const compare = (inputTokens: number) =>
      router.compareCosts({ model, inputTokens, outputTokens: 100 }).cheapest?.model;
    expect(compare(900)).toBe('acme/tiered');
    expect(compare(2_000)).toBe('acme/flat');
    const long = router.compareCosts({ model: 'acme/tiered', inputTokens: 2_000, outputTokens: 100 }).rows[0];
    expect(long?.inputCostUsd).toBeCloseTo(2_000 * 2e-5, 12);
    expect(long?.outputCostUsd).toBeCloseTo(100 * 4e-5, 12);

    const short = await router.chat({ model, messages: [{ role: 'user', content: 'Hi' }], maxTokens: 100 });
    expect(short.route.model).toBe('acme/tiered');
    const longPrompt = [{ role: 'user' as const, content: 'word '.repeat(2_000) }];
    const reply = await router.chat({ model, messages: longPrompt, maxTokens: 100 });
    expect(reply.route.model).toBe('acme/flat');
  });

  it('bills a long LiteLLM stream at the tier, from the proxy’s price, and records where the price came from', async () => {
    const { router } = await start();
    const stream = router.stream({
      model: 'acme/tiered',
      messages: [{ role: 'user', content: 'word '.repeat(2_000) }],
    });
    for await (const _ of stream) {
      // drain
    }
    const result = await stream.result;
    expect(result.usage.inputTokens).toBeGreaterThan(1_000);
    expect(result.cost.source).toBe('catalog');
    expect(result.cost.priceSource).toEqual({ source: 'litellm', asOf: '2026-01-01' });
    expect(result.cost.usd).toBeCloseTo(
      result.usage.inputTokens * 2e-5 + result.usage.outputTokens * 4e-5,
      12,
    );
    const [record] = await router.usage.query();
    expect(record).toMatchObject({
      costSource: 'catalog',
      costUsd: result.cost.usd,
      priceSource: { source: 'litellm', asOf: '2026-01-01' },
    });
    const report = await router.usage.report({ groupBy: ['costSource', 'priceSource'] });
    expect(report.rows.map((row) => [row.group, row.requests])).toEqual([
      [{ costSource: 'catalog', priceSource: 'litellm' }, 1],
    ]);
  });
});
