import { afterEach, describe, expect, it } from 'vitest';
import type {
  CatalogRefreshedEvent,
  CatalogRefreshFailedEvent,
} from '../../src/catalog/live/live-catalog.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import {
  bundledListing,
  type ChatServer,
  createFakeClock,
  type FakeClock,
  generateCatalogModels,
  type LoopbackCatalogModel,
  startLiteLLMServer,
  startOpenRouterServer,
} from '../../src/testing/index.ts';

const LITELLM_KEY = 'sk-litellm-live-catalog-0123456789';
const OPENROUTER_KEY = 'sk-or-v1-live-catalog-0123456789abcdef';
const HOUR = 3_600_000;

// Two models no bundled data or setting knows, one per gateway, both outside the five providers.
const GROQ: LoopbackCatalogModel = {
  name: 'groq/llama-3.3-70b-versatile',
  provider: 'groq',
  inputPerToken: 5.9e-7,
  outputPerToken: 7.9e-7,
  contextWindow: 128_000,
  maxOutputTokens: 32_768,
  tools: true,
  json: true,
};
const DEEPSEEK: LoopbackCatalogModel = {
  name: 'deepseek/deepseek-chat',
  inputPerToken: 2.7e-7,
  outputPerToken: 1.1e-6,
  cachedInputPerToken: 7e-8,
  contextWindow: 64_000,
  maxOutputTokens: 8_192,
  tools: true,
};
// A malformed entry (model_name not a string) and an absurd price (negative): both skipped.
const MALFORMED = { model_name: 42, litellm_params: { model: 'openai/broken' }, model_info: {} };
const NEGATIVE = {
  model_name: 'openai/negative',
  litellm_params: { model: 'openai/negative' },
  model_info: { litellm_provider: 'openai', input_cost_per_token: -1, output_cost_per_token: 1e-6 },
};

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.close();
});

interface Fixture {
  router: Router;
  litellm: ChatServer;
  openrouter: ChatServer;
  clock: FakeClock;
  refreshed: CatalogRefreshedEvent[];
  failed: CatalogRefreshFailedEvent[];
}

async function start(
  options: {
    litellm?: Parameters<typeof startLiteLLMServer>[0];
    openrouter?: Parameters<typeof startOpenRouterServer>[0];
    settings?: Partial<RouterSettings>;
  } = {},
): Promise<Fixture> {
  const litellm = await startLiteLLMServer({
    apiKey: LITELLM_KEY,
    catalog: [...bundledListing('litellm'), GROQ, ...generateCatalogModels(300, { provider: 'acme' })],
    catalogExtra: [MALFORMED, NEGATIVE],
    ...options.litellm,
  });
  closers.push(litellm);
  const openrouter = await startOpenRouterServer({
    apiKey: OPENROUTER_KEY,
    catalog: [...bundledListing('openrouter'), DEEPSEEK],
    catalogExtra: [{ id: 'openrouter/auto', pricing: { prompt: '-1', completion: '-1' } }],
    ...options.openrouter,
  });
  closers.push(openrouter);
  // Cost reported for calls to the new models, as the gateways price them.
  litellm.setCatalogPrice(GROQ.name, { inputPerToken: 5.9e-7, outputPerToken: 7.9e-7 });
  openrouter.setCatalogPrice(DEEPSEEK.name, { inputPerToken: 2.7e-7, outputPerToken: 1.1e-6 });
  const clock = createFakeClock();
  const refreshed: CatalogRefreshedEvent[] = [];
  const failed: CatalogRefreshFailedEvent[] = [];
  const router = createRouter({
    clock,
    logger: false,
    retry: { maxRetries: 0 },
    gateways: {
      litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY },
      openrouter: { baseURL: openrouter.baseURL, apiKey: OPENROUTER_KEY },
    },
    ...options.settings,
  });
  closers.push(router);
  router.on('catalog-refreshed', (event) => refreshed.push(event));
  router.on('catalog-refresh-failed', (event) => failed.push(event));
  return { router, litellm, openrouter, clock, refreshed, failed };
}

const ask = { messages: [{ role: 'user' as const, content: 'Hello there' }] };

describe('the live catalog', () => {
  it('serves bundled data until the first refresh lands, then the gateways’ models', async () => {
    const { router, refreshed } = await start();
    expect(router.catalog.get('groq/llama-3.3-70b-versatile')).toBeUndefined();
    expect(router.catalog.refreshedAt).toBeUndefined();
    await router.catalog.refresh();
    expect(router.catalog.get('groq/llama-3.3-70b-versatile')?.provider).toBe('groq');
    expect(router.catalog.get('deepseek/deepseek-chat')?.provider).toBe('deepseek');
    expect(router.catalog.refreshedAt).toBeDefined();
    const byGateway = Object.fromEntries(refreshed.map((event) => [event.gateway, event]));
    // Bundled (16) + groq + 300 generated on LiteLLM; the malformed and the negative entries skipped.
    expect(byGateway.litellm?.models).toBe(bundledListing('litellm').length + 301);
    expect(byGateway.litellm?.skipped).toBe(2);
    expect(byGateway.openrouter?.skipped).toBe(1);
    expect(router.catalog.list().length).toBeGreaterThan(300);
    expect(router.catalog.get('openai/negative')).toBeUndefined();
    const states = router.catalog.gateways();
    expect(states.map((state) => [state.gateway, state.lastFailure])).toEqual([
      ['litellm', undefined],
      ['openrouter', undefined],
    ]);
  });

  it('routes, prices and reports a model neither the bundled data nor the settings know', async () => {
    const { router, litellm } = await start();
    await router.catalog.refresh();
    const reply = await router.chat({ ...ask, model: 'groq/llama-3.3-70b-versatile' });
    expect(reply.route).toMatchObject({
      provider: 'groq',
      model: 'groq/llama-3.3-70b-versatile',
      gateway: 'litellm',
      gatewayModel: 'groq/llama-3.3-70b-versatile',
    });
    expect(litellm.chatRequests.at(-1)?.body).toMatchObject({ model: 'groq/llama-3.3-70b-versatile' });
    const expected = reply.usage.inputTokens * 5.9e-7 + reply.usage.outputTokens * 7.9e-7;
    expect(reply.cost.usd).toBeCloseTo(expected, 12);
    const [record] = await router.usage.query();
    expect(record).toMatchObject({ provider: 'groq', model: 'groq/llama-3.3-70b-versatile' });
    const comparison = router.compareCosts({
      model: ['groq/llama-3.3-70b-versatile', 'deepseek/deepseek-chat'],
      inputTokens: 1_000,
      outputTokens: 1_000,
    });
    // DeepSeek: 1,000 × 0.27 + 1,000 × 1.10 per M = 0.00137 USD; Groq: 0.59 + 0.79 = 0.00138 USD.
    expect(comparison.rows.map((row) => [row.model, row.gateway, row.priceSource.source])).toEqual([
      ['deepseek/deepseek-chat', 'openrouter', 'openrouter'],
      ['groq/llama-3.3-70b-versatile', 'litellm', 'litellm'],
    ]);
    expect(comparison.cheapest?.totalCostUsd).toBeCloseTo(0.00137, 12);
    expect(comparison.rows[1]?.priceSource.asOf).toBe('2026-01-01');
    expect(router.catalog.offers('deepseek/deepseek-chat')).toEqual([
      {
        gateway: 'openrouter',
        gatewayModel: 'deepseek/deepseek-chat',
        pricing: { inputPerToken: 2.7e-7, outputPerToken: 1.1e-6, cachedInputPerToken: 7e-8 },
        priceSource: { source: 'openrouter', asOf: '2026-01-01' },
      },
    ]);
  });

  it('ranks by the gateway’s new price after the next refresh', async () => {
    const cheap = { tools: true, json: true, contextWindow: 100_000, maxOutputTokens: 8_000 };
    const { router, litellm, clock, refreshed } = await start({
      litellm: {
        catalog: [
          { name: 'alpha/small', provider: 'alpha', inputPerToken: 1e-7, outputPerToken: 2e-7, ...cheap },
          { name: 'beta/small', provider: 'beta', inputPerToken: 3e-7, outputPerToken: 6e-7, ...cheap },
        ],
        catalogExtra: [],
      },
      settings: { providers: { alpha: {}, beta: {} }, catalog: { providers: ['alpha', 'beta'] } },
    });
    await router.catalog.refresh();
    expect((await router.chat(ask)).route.model).toBe('alpha/small');
    litellm.setCatalogPrice('alpha/small', { inputPerToken: 9e-7, outputPerToken: 9e-7 });
    // The gateway changed its price; the router keeps the old one until its next refresh.
    expect((await router.chat(ask)).route.model).toBe('alpha/small');
    const before = refreshed.length;
    await clock.advance(HOUR);
    await expect.poll(() => refreshed.length, { timeout: 10_000 }).toBeGreaterThan(before);
    expect((await router.chat(ask)).route.model).toBe('beta/small');
  });

  it('never sends LiteLLM a model its /model/info does not list, aliases included', async () => {
    const { router, litellm, openrouter } = await start({
      litellm: {
        models: ['openai/gpt-5.4-mini', 'fast'],
        catalog: [
          ...bundledListing('litellm', ['openai/gpt-5.4-mini']),
          {
            ...bundledListing('litellm', ['openai/gpt-5.4-mini'])[0],
            name: 'fast',
            upstream: 'openai/gpt-5.4-mini',
          },
        ] as LoopbackCatalogModel[],
      },
    });
    await router.catalog.refresh();
    const reply = await router.chat({ ...ask, model: 'anthropic/claude-haiku-4-5' });
    expect(reply.route.gateway).toBe('openrouter');
    expect(litellm.chatRequests).toHaveLength(0);
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(router.catalog.offers('anthropic/claude-haiku-4-5').map((offer) => offer.gateway)).toEqual([
      'openrouter',
    ]);
    // The alias resolves to the model it names.
    const alias = await router.chat({ ...ask, model: 'fast' });
    expect(alias.route).toMatchObject({ model: 'openai/gpt-5.4-mini', gateway: 'litellm' });
  });

  it('keeps the last good catalog when a refresh fails, and says so', async () => {
    const { router, litellm, clock, refreshed, failed } = await start();
    await router.catalog.refresh();
    const goodAt = refreshed.find((event) => event.gateway === 'litellm')?.refreshedAt;
    litellm.failCatalog({ status: 500 });
    await clock.advance(HOUR);
    await expect.poll(() => failed.length, { timeout: 10_000 }).toBe(1);
    expect(failed[0]).toMatchObject({ gateway: 'litellm', reason: 'status', keptFrom: goodAt });
    expect(JSON.stringify(failed)).not.toContain(LITELLM_KEY);
    litellm.failCatalog({ malformed: true });
    await router.catalog.refresh();
    expect(failed.at(-1)).toMatchObject({ gateway: 'litellm', reason: 'malformed' });
    expect(router.catalog.gateways()[0]?.lastFailure?.reason).toBe('malformed');
    const reply = await router.chat({ ...ask, model: 'groq/llama-3.3-70b-versatile' });
    expect(reply.route.gateway).toBe('litellm');
  });

  it('never delays a call: a hanging catalog leaves the bundled data serving', async () => {
    const { router, litellm } = await start();
    litellm.failCatalog({ hang: true });
    const reply = await router.chat({ ...ask, model: 'openai/gpt-5.4-mini' });
    expect(reply.route.gateway).toBe('litellm');
  });

  it('stops refreshing on close()', async () => {
    const { router, litellm, clock } = await start();
    await router.catalog.refresh();
    await router.close();
    const requests = litellm.catalogRequests;
    await clock.advance(3 * HOUR);
    expect(litellm.catalogRequests).toBe(requests);
    expect(clock.timers().filter((timer) => timer.delayMs === HOUR)).toHaveLength(0);
  });
});

describe('open provider ids', () => {
  it('rejects a provider no catalog knows at construction, naming it', () => {
    let error: unknown;
    try {
      createRouter({ logger: false, providers: { groq: {} }, catalog: { refreshIntervalMs: 0 } });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    expect((error as InvalidSettingsError).issues.map((issue) => issue.setting)).toEqual(['providers.groq']);
  });

  it('accepts a provider listed in catalog.providers, with limits, once the refresh lands', async () => {
    const { router } = await start({
      settings: {
        providers: { groq: { limits: { requestsPerMinute: 1 } } },
        catalog: { providers: ['groq'] },
      },
    });
    await router.catalog.refresh();
    const reply = await router.chat(ask);
    expect(reply.route.provider).toBe('groq');
    await expect(router.chat(ask)).rejects.toMatchObject({ name: 'LimitExceededError' });
    const [status] = await router.limits.status(['provider:groq']);
    expect(status?.scope).toBe('provider:groq');
  });
});
