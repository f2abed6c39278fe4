import { readFileSync } from 'node:fs';
import * as library from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { deriveBundledPrices } from '../../scripts/derive-bundled-prices.ts';
import { applyBundledPrices, type BundledModelFacts } from '../../src/catalog/apply-bundled-prices.ts';
import { BUNDLED_PRICES } from '../../src/catalog/bundled-prices.generated.ts';
import { computeCostUsd } from '../../src/catalog/compute-cost.ts';
import {
  BUNDLED_MODEL_FACTS,
  DEFAULT_CATALOG_DATE,
  DEFAULT_CATALOG_MODELS,
} from '../../src/catalog/default-catalog-models.ts';
import { MAINTAINED_PRICES_LIBRARY } from '../../src/catalog/live/maintained-prices.ts';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import type { ModelDefinition } from '../../src/types/model.ts';

const installed = JSON.parse(
  readFileSync(new URL('../../node_modules/@pydantic/genai-prices/package.json', import.meta.url), 'utf8'),
) as { version: string };
const generatedAt = new Date(`${BUNDLED_PRICES.generatedOn}T00:00:00Z`);
const byId = (id: string) => DEFAULT_CATALOG_MODELS.find((model) => model.id === id) as ModelDefinition;

describe('bundled prices (bundled-prices.generated.ts)', () => {
  it('are what the installed @pydantic/genai-prices says: upgrade it and this fails until `npm run prices:update`', () => {
    expect(BUNDLED_PRICES.library).toBe(`@pydantic/genai-prices@${installed.version}`);
    expect(MAINTAINED_PRICES_LIBRARY).toBe(BUNDLED_PRICES.library);
    expect(BUNDLED_PRICES.generatedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(deriveBundledPrices(library, BUNDLED_MODEL_FACTS, generatedAt)).toEqual(BUNDLED_PRICES.models);
  });

  it('price every bundled model, each dated and naming the library', () => {
    expect(DEFAULT_CATALOG_MODELS.map((model) => model.id)).toEqual(
      BUNDLED_MODEL_FACTS.map((model) => model.id),
    );
    expect(DEFAULT_CATALOG_DATE).toBe(BUNDLED_PRICES.generatedOn);
    for (const model of DEFAULT_CATALOG_MODELS) {
      const source = { source: 'bundled', asOf: BUNDLED_PRICES.generatedOn, from: BUNDLED_PRICES.library };
      expect(model.pricingSource, model.id).toEqual(source);
      expect(createModelCatalog().priceSource?.(model, 'openrouter'), model.id).toEqual(source);
    }
  });

  it('price a call as the library does, long-context tiers and cache reads included', () => {
    const sizes = [
      { input_tokens: 1_000, cache_read_tokens: 0, output_tokens: 500 },
      { input_tokens: 150_000, cache_read_tokens: 100_000, output_tokens: 2_000 },
      { input_tokens: 200_000, cache_read_tokens: 0, output_tokens: 1_000 },
      { input_tokens: 200_001, cache_read_tokens: 50_000, output_tokens: 1_000 },
      { input_tokens: 272_000, cache_read_tokens: 0, output_tokens: 1_000 },
      { input_tokens: 900_000, cache_read_tokens: 300_000, output_tokens: 8_000 },
    ];
    for (const model of DEFAULT_CATALOG_MODELS) {
      const lookup = BUNDLED_PRICES.models[model.id]?.lookup;
      if (!lookup) throw new Error(`no lookup for ${model.id}`);
      for (const usage of sizes) {
        const expected = library.calcPrice(usage, lookup.model, {
          providerId: lookup.provider,
          timestamp: generatedAt,
        })?.total_price;
        const ours = computeCostUsd(model.pricing, {
          inputTokens: usage.input_tokens,
          cachedInputTokens: usage.cache_read_tokens,
          outputTokens: usage.output_tokens,
        });
        expect(ours, `${model.id} at ${usage.input_tokens} prompt tokens`).toBeCloseTo(expected ?? -1, 9);
      }
    }
  });

  it('carry long-context tiers: Gemini 2.5 Pro costs more per token above 200k prompt tokens', () => {
    const pro = byId('google/gemini-2.5-pro');
    expect(pro.pricing.tiers).toEqual([
      {
        aboveInputTokens: 200_000,
        inputPerToken: 2.5e-6,
        outputPerToken: 1.5e-5,
        cachedInputPerToken: 2.5e-7,
      },
    ]);
    const at = (inputTokens: number) =>
      computeCostUsd(pro.pricing, { inputTokens, cachedInputTokens: 0, outputTokens: 0 }) / inputTokens;
    expect(at(200_000)).toBeCloseTo(1.25e-6, 15);
    expect(at(200_001)).toBeCloseTo(2.5e-6, 15);
  });

  it('keep cache-write prices (shown, not applied) and Mistral Large 3 under its pinned name', () => {
    expect(byId('anthropic/claude-haiku-4-5').pricing).toMatchObject({
      inputPerToken: 1e-6,
      cacheWriteInputPerToken: 1.25e-6,
    });
    // The library points `mistral-large-latest` at Large 2 ($2 / $6); the bundled model is Large 3.
    expect(BUNDLED_PRICES.models['mistral/mistral-large-latest']?.lookup.matched).toBe('mistral-large-2512');
    expect(byId('mistral/mistral-large-latest').pricing).toMatchObject({
      inputPerToken: 5e-7,
      outputPerToken: 1.5e-6,
    });
  });
});

describe('applyBundledPrices', () => {
  const facts = (id: string, extra: Partial<BundledModelFacts> = {}): BundledModelFacts => ({
    id,
    provider: 'acme',
    name: id,
    tier: 'cheap',
    contextWindow: 1_000,
    maxOutputTokens: 100,
    capabilities: { tools: false, vision: false, json: false, streaming: true },
    gatewayModels: { litellm: id, openrouter: id },
    ...extra,
  });
  const prices = {
    library: '@pydantic/genai-prices@9.9.9',
    generatedOn: '2026-11-01',
    models: {
      'acme/listed': {
        lookup: { provider: 'acme', model: 'listed', matched: 'listed' },
        pricing: { inputPerToken: 1e-6, outputPerToken: 2e-6 },
        openrouter: {
          lookup: { provider: 'openrouter', model: 'acme/listed', matched: 'acme/listed' },
          pricing: { inputPerToken: 3e-6, outputPerToken: 4e-6 },
        },
      },
    },
  };

  it('uses a hand price, with its own source and date, only for a model the library lacks', () => {
    const hand = {
      pricing: { inputPerToken: 5e-6, outputPerToken: 6e-6 },
      from: 'hand-typed: acme.example/pricing',
      asOf: '2026-04-30',
    };
    const [listed, unlisted] = applyBundledPrices(
      [facts('acme/listed', { handPrice: hand }), facts('acme/unlisted', { handPrice: hand })],
      prices,
    );
    const library = { source: 'bundled', asOf: '2026-11-01', from: '@pydantic/genai-prices@9.9.9' };
    expect(listed).toMatchObject({
      pricing: { inputPerToken: 1e-6 },
      pricingSource: library,
      gatewayPricing: { openrouter: { inputPerToken: 3e-6, outputPerToken: 4e-6 } },
      gatewayPricingSources: { openrouter: library },
    });
    expect(listed).not.toHaveProperty('handPrice');
    expect(unlisted).toMatchObject({
      pricing: hand.pricing,
      pricingSource: { source: 'bundled', asOf: '2026-04-30', from: 'hand-typed: acme.example/pricing' },
    });
    expect(unlisted).not.toHaveProperty('gatewayPricing');
  });

  it('leaves out a model with no price at all', () => {
    expect(applyBundledPrices([facts('acme/unpriced')], prices)).toEqual([]);
  });
});
