import { describe, expect, it } from 'vitest';
import { computeCostUsd } from '../../src/catalog/compute-cost.ts';
import { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from '../../src/catalog/default-catalog-models.ts';
import { estimatePromptTokens } from '../../src/catalog/estimate-tokens.ts';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import type { ChatMessage, ToolDefinition } from '../../src/types/chat.ts';
import type { KnownProviderId, ModelDefinition, ModelPricing } from '../../src/types/model.ts';

const PROVIDERS: readonly KnownProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];
const LITELLM_PREFIX: Record<KnownProviderId, string> = {
  openai: 'openai/',
  anthropic: 'anthropic/',
  google: 'gemini/',
  cohere: 'cohere_chat/',
  mistral: 'mistral/',
};

function expectPerTokenPrices(pricing: ModelPricing, where: string): void {
  const prices = [pricing.inputPerToken, pricing.outputPerToken];
  if (pricing.cachedInputPerToken !== undefined) prices.push(pricing.cachedInputPerToken);
  for (const price of prices) {
    expect(price, where).toBeGreaterThan(0);
    // Per token, not per million: even the dearest model costs well under a thousandth of a dollar a token.
    expect(price, where).toBeLessThan(1e-3);
  }
  if (pricing.cachedInputPerToken !== undefined) {
    expect(pricing.cachedInputPerToken, where).toBeLessThan(pricing.inputPerToken);
  }
}

const byId = (id: string) => DEFAULT_CATALOG_MODELS.find((model) => model.id === id) as ModelDefinition;

describe('bundled catalog', () => {
  it('has a flagship and a cheap model for each of the five providers', () => {
    for (const provider of PROVIDERS) {
      const tiers = new Set(DEFAULT_CATALOG_MODELS.filter((m) => m.provider === provider).map((m) => m.tier));
      expect(tiers, provider).toEqual(new Set(['flagship', 'cheap']));
    }
    expect(new Set(DEFAULT_CATALOG_MODELS.map((model) => model.provider))).toEqual(new Set(PROVIDERS));
  });

  it('names models `<provider>/<model>`, each id once', () => {
    for (const model of DEFAULT_CATALOG_MODELS) {
      expect(model.id.startsWith(`${model.provider}/`), model.id).toBe(true);
      expect(model.id.length, model.id).toBeGreaterThan(model.provider.length + 1);
    }
    expect(new Set(DEFAULT_CATALOG_MODELS.map((model) => model.id)).size).toBe(DEFAULT_CATALOG_MODELS.length);
  });

  it('prices every model and gateway offer per token, above zero', () => {
    for (const model of DEFAULT_CATALOG_MODELS) {
      expectPerTokenPrices(model.pricing, model.id);
      for (const [gateway, pricing] of Object.entries(model.gatewayPricing ?? {})) {
        if (pricing) expectPerTokenPrices(pricing, `${model.id}@${gateway}`);
      }
    }
  });

  it('gives positive whole context and output limits', () => {
    for (const model of DEFAULT_CATALOG_MODELS) {
      expect(Number.isInteger(model.contextWindow) && model.contextWindow > 0, model.id).toBe(true);
      expect(Number.isInteger(model.maxOutputTokens) && model.maxOutputTokens > 0, model.id).toBe(true);
    }
  });

  it('names every model on LiteLLM (with the provider’s LiteLLM prefix), OpenRouter and direct', () => {
    for (const model of DEFAULT_CATALOG_MODELS) {
      const { litellm, openrouter, direct } = model.gatewayModels;
      expect(
        litellm?.startsWith(LITELLM_PREFIX[model.provider as KnownProviderId]),
        `${model.id}: ${litellm}`,
      ).toBe(true);
      expect(openrouter, model.id).toMatch(/^[a-z0-9-]+\/[\w.-]+$/);
      expect(direct, model.id).toMatch(/^[\w.-]+$/);
      // The direct name is the provider's own, without a gateway prefix.
      expect(direct, model.id).not.toContain('/');
    }
  });

  it('does not give two models the same gateway name (names resolve to one model)', () => {
    const owners = new Map<string, string>();
    for (const model of DEFAULT_CATALOG_MODELS) {
      for (const [gateway, name] of Object.entries(model.gatewayModels)) {
        const key = `${gateway}:${name}`;
        expect(owners.get(key) ?? model.id, key).toBe(model.id);
        owners.set(key, model.id);
      }
    }
  });

  it('is dated', () => {
    expect(DEFAULT_CATALOG_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('createModelCatalog', () => {
  const extra: ModelDefinition = {
    id: 'mistral/codestral-latest',
    provider: 'mistral',
    name: 'Codestral',
    tier: 'cheap',
    contextWindow: 256_000,
    maxOutputTokens: 32_000,
    pricing: { inputPerToken: 3e-7, outputPerToken: 9e-7 },
    capabilities: { tools: true, vision: false, json: true, streaming: true },
    gatewayModels: { litellm: 'mistral/codestral-latest', openrouter: 'mistralai/codestral-2508' },
  };

  it('holds the bundled models by default, with the bundled date', () => {
    const catalog = createModelCatalog();
    expect(catalog.list().map((model) => model.id)).toEqual(DEFAULT_CATALOG_MODELS.map((model) => model.id));
    expect(catalog.get('openai/gpt-5.4-mini')).toBe(byId('openai/gpt-5.4-mini'));
    expect(catalog.get('gpt-5.4-mini')).toBeUndefined();
    expect(catalog.date).toBe(DEFAULT_CATALOG_DATE);
    expect(Object.isFrozen(catalog.list())).toBe(true);
  });

  it('adds models after the bundled ones', () => {
    const catalog = createModelCatalog({ models: [extra] });
    expect(catalog.list()).toHaveLength(DEFAULT_CATALOG_MODELS.length + 1);
    expect(catalog.list().at(-1)).toBe(extra);
    expect(catalog.get(extra.id)).toBe(extra);
    expect(catalog.get('openai/gpt-5.5')).toBe(byId('openai/gpt-5.5'));
  });

  it('replaces a bundled model given with the same id, in place', () => {
    const bundled = byId('openai/gpt-5.4-nano');
    const replacement: ModelDefinition = { ...bundled, contextWindow: 100_000, name: 'nano (capped)' };
    const catalog = createModelCatalog({ models: [replacement] });
    expect(catalog.list()).toHaveLength(DEFAULT_CATALOG_MODELS.length);
    expect(catalog.get(bundled.id)).toBe(replacement);
    expect(catalog.list().findIndex((model) => model.id === bundled.id)).toBe(
      DEFAULT_CATALOG_MODELS.indexOf(bundled),
    );
  });

  it('merges price overrides over the model’s prices without touching the bundled catalog', () => {
    const catalog = createModelCatalog({ prices: { 'openai/gpt-5.4-mini': { inputPerToken: 6e-7 } } });
    expect(catalog.get('openai/gpt-5.4-mini')?.pricing).toEqual({
      inputPerToken: 6e-7,
      outputPerToken: 4.5e-6,
      cachedInputPerToken: 7.5e-8,
    });
    expect(byId('openai/gpt-5.4-mini').pricing.inputPerToken).toBe(7.5e-7);
    expect(createModelCatalog().get('openai/gpt-5.4-mini')?.pricing.inputPerToken).toBe(7.5e-7);
  });

  it('applies price overrides to added models too', () => {
    const catalog = createModelCatalog({ models: [extra], prices: { [extra.id]: { outputPerToken: 1e-6 } } });
    expect(catalog.get(extra.id)?.pricing).toEqual({ inputPerToken: 3e-7, outputPerToken: 1e-6 });
  });

  it('refuses a price override for an unknown id, naming it and what to do', () => {
    expect(() => createModelCatalog({ prices: { 'acme/unknown': { inputPerToken: 1e-6 } } })).toThrow(
      /acme\/unknown.*catalog\.models/,
    );
    expect(() =>
      createModelCatalog({ includeDefaults: false, prices: { 'openai/gpt-5.5': { inputPerToken: 1e-6 } } }),
    ).toThrow(/openai\/gpt-5\.5/);
  });

  it('starts empty with includeDefaults: false', () => {
    const catalog = createModelCatalog({ includeDefaults: false, models: [extra], date: '2026-05-01' });
    expect(catalog.list()).toEqual([extra]);
    expect(catalog.get('openai/gpt-5.5')).toBeUndefined();
    expect(catalog.date).toBe('2026-05-01');
    expect(createModelCatalog({ includeDefaults: false }).list()).toEqual([]);
  });

  it('prices a model per gateway: the gateway’s offer where it has one, else the model’s', () => {
    const catalog = createModelCatalog();
    const small = catalog.get('mistral/mistral-small-latest') as ModelDefinition;
    expect(catalog.pricing(small, 'openrouter')).toEqual({ inputPerToken: 7.5e-8, outputPerToken: 2e-7 });
    expect(catalog.pricing(small, 'litellm')).toBe(small.pricing);
    expect(catalog.pricing(small, 'direct')).toBe(small.pricing);
    // A model given without gateway offers is priced the same everywhere.
    const plain = createModelCatalog({ models: [extra] }).get(extra.id) as ModelDefinition;
    expect(catalog.pricing(plain, 'openrouter')).toBe(plain.pricing);
  });
});

describe('computeCostUsd', () => {
  const pricing: ModelPricing = { inputPerToken: 1e-6, outputPerToken: 2e-6, cachedInputPerToken: 1e-7 };

  it('bills uncached input, cached input and output at their prices', () => {
    // 600 × 1e-6 + 400 × 1e-7 + 500 × 2e-6 = 0.0006 + 0.00004 + 0.001
    expect(
      computeCostUsd(pricing, { inputTokens: 1_000, cachedInputTokens: 400, outputTokens: 500 }),
    ).toBeCloseTo(0.00164, 15);
  });

  it('bills cached input at the input price when the model has no cache price', () => {
    const noCache: ModelPricing = { inputPerToken: 1e-6, outputPerToken: 2e-6 };
    expect(
      computeCostUsd(noCache, { inputTokens: 1_000, cachedInputTokens: 400, outputTokens: 0 }),
    ).toBeCloseTo(0.001, 15);
  });

  it('never counts more cached tokens than input tokens', () => {
    expect(
      computeCostUsd(pricing, { inputTokens: 1_000, cachedInputTokens: 5_000, outputTokens: 0 }),
    ).toBeCloseTo(0.0001, 15);
  });

  it('is zero for no tokens', () => {
    expect(computeCostUsd(pricing, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 })).toBe(0);
  });
});

describe('estimatePromptTokens', () => {
  const user = (content: string): ChatMessage => ({ role: 'user', content });

  it('counts about four characters a token plus a per-message overhead', () => {
    expect(estimatePromptTokens([])).toBe(0);
    expect(estimatePromptTokens([user('x'.repeat(400))])).toBe(104);
    expect(estimatePromptTokens([{ role: 'system', content: 'abcd' }, user('abcde')])).toBe(3 + 8);
  });

  it('grows with the text and with every message', () => {
    let previous = -1;
    for (const length of [0, 1, 4, 5, 100, 1_000, 10_000]) {
      const tokens = estimatePromptTokens([user('y'.repeat(length))]);
      expect(tokens).toBeGreaterThanOrEqual(previous);
      previous = tokens;
    }
    const one = estimatePromptTokens([user('hello there')]);
    const two = estimatePromptTokens([user('hello there'), { role: 'assistant', content: 'hi' }]);
    expect(two).toBeGreaterThan(one);
  });

  it('counts an image as a fixed block, whatever its URL length', () => {
    const withImage = (url: string): ChatMessage[] => [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'abcd' },
          { type: 'image', url },
        ],
      },
    ];
    expect(estimatePromptTokens(withImage('https://example.com/a.png'))).toBe(1 + 4 + 800);
    expect(estimatePromptTokens(withImage(`data:image/png;base64,${'A'.repeat(100_000)}`))).toBe(805);
  });

  it('counts tool definitions and the assistant’s tool calls', () => {
    const messages: ChatMessage[] = [user('What is the weather?')];
    const tools: ToolDefinition[] = [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ];
    const base = estimatePromptTokens(messages);
    expect(estimatePromptTokens(messages, tools)).toBe(base + Math.ceil(JSON.stringify(tools).length / 4));
    expect(estimatePromptTokens(messages, [])).toBe(base);

    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    };
    const answered: ChatMessage = { role: 'tool', toolCallId: 'call_1', content: '{"temp":21}' };
    // 20 + 11 + 16 + 11 characters; three overheads of 4.
    expect(estimatePromptTokens([...messages, call, answered])).toBe(Math.ceil(58 / 4) + 12);
  });
});
