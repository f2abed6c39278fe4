import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAINTAINED_PRICES_DATE,
  MAINTAINED_PRICES_LIBRARY,
} from '../../src/catalog/live/maintained-prices.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import {
  bundledListing,
  createFakeClock,
  type LoopbackCatalogModel,
  startLiteLLMServer,
  startOpenRouterServer,
} from '../../src/testing/index.ts';

const LITELLM_KEY = 'sk-litellm-maintained-0123456789';
const OPENROUTER_KEY = 'sk-or-v1-maintained-0123456789abcdef';
const MAINTAINED = { source: 'genai-prices', asOf: MAINTAINED_PRICES_DATE, from: MAINTAINED_PRICES_LIBRARY };

// LiteLLM lists a model missing from its price map with null prices, and reports no cost for its
// calls; @pydantic/genai-prices knows these two: Llama 3.1 8B on Groq, $0.05 / $0.08 per M, and
// DeepSeek Reasoner, whose price depends on the time of day: at the fake clock's 00:00 UTC, its
// off-peak $0.135 / $0.55 / cached $0.035 per M (else $0.55 / $2.19 / $0.14).
const REASONER: LoopbackCatalogModel = { name: 'deepseek/deepseek-reasoner', provider: 'deepseek' };
const LLAMA: LoopbackCatalogModel = { name: 'groq/llama-3.1-8b-instant', provider: 'groq' };
// Unpriced, and a provider the library does not know: no price anywhere, so left out.
const UNKNOWN: LoopbackCatalogModel = { name: 'acme/model-9', provider: 'acme' };

const closers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.close();
});

async function start(settings: Partial<RouterSettings> = {}) {
  const litellm = await startLiteLLMServer({
    apiKey: LITELLM_KEY,
    catalog: [...bundledListing('litellm', ['openai/gpt-5.4-mini']), REASONER, LLAMA, UNKNOWN],
    // A LiteLLM stream carries no cost header, and no cost in its usage here.
    reply: () => ({ text: 'Hi there', costUsd: null }),
  });
  closers.push(litellm);
  const openrouter = await startOpenRouterServer({
    apiKey: OPENROUTER_KEY,
    // OpenRouter prices DeepSeek Reasoner itself: its offer there keeps that price.
    catalog: [{ name: 'deepseek/deepseek-reasoner', inputPerToken: 5e-7, outputPerToken: 2e-6 }],
  });
  closers.push(openrouter);
  const router = createRouter({
    clock: createFakeClock(),
    logger: false,
    retry: { maxRetries: 0 },
    gateways: {
      litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY },
      openrouter: { baseURL: openrouter.baseURL, apiKey: OPENROUTER_KEY },
    },
    ...settings,
  });
  closers.push(router);
  await router.catalog.refresh();
  return { router, litellm };
}

const ask = { messages: [{ role: 'user' as const, content: 'Hello there' }] };

describe('prices from the maintained table (@pydantic/genai-prices)', () => {
  it('prices, routes and reports a model a gateway lists without a price', async () => {
    const { router, litellm } = await start();
    expect(router.catalog.offers('groq/llama-3.1-8b-instant')).toEqual([
      {
        gateway: 'litellm',
        gatewayModel: 'groq/llama-3.1-8b-instant',
        pricing: { inputPerToken: 5e-8, outputPerToken: 8e-8 },
        priceSource: MAINTAINED,
      },
    ]);
    const reply = await router.chat({ ...ask, model: 'groq/llama-3.1-8b-instant' });
    expect(litellm.chatRequests.at(-1)?.body).toMatchObject({ model: 'groq/llama-3.1-8b-instant' });
    // The proxy reports no cost for a model it has no price for: the catalog's price counts.
    expect(reply.cost.source).toBe('catalog');
    expect(reply.cost.priceSource).toEqual(MAINTAINED);
    expect(reply.cost.usd).toBeCloseTo(reply.usage.inputTokens * 5e-8 + reply.usage.outputTokens * 8e-8, 15);
  });

  it('ranks below every other source: user > gateway > bundled > maintained', async () => {
    const { router } = await start({
      catalog: { prices: { 'openai/gpt-5.4-mini': { inputPerToken: 1e-7 } } },
    });
    // The gateway's live price wins on its own offer; the maintained one fills LiteLLM's gap.
    expect(
      router.catalog
        .offers('deepseek/deepseek-reasoner')
        .map((offer) => [offer.gateway, offer.pricing, offer.priceSource]),
    ).toEqual([
      [
        'litellm',
        { inputPerToken: 1.35e-7, outputPerToken: 5.5e-7, cachedInputPerToken: 3.5e-8 },
        MAINTAINED,
      ],
      [
        'openrouter',
        { inputPerToken: 5e-7, outputPerToken: 2e-6 },
        { source: 'openrouter', asOf: '2026-01-01' },
      ],
    ]);
    // A user price wins over the maintained table, which also prices GPT-5.4 mini.
    expect(router.catalog.offers('openai/gpt-5.4-mini')[0]?.priceSource.source).toBe('user');
    expect(router.catalog.offers('openai/gpt-5.4-mini')[0]?.pricing.inputPerToken).toBe(1e-7);
    // No price anywhere (a provider the table does not know): left out, not guessed.
    expect(router.catalog.get('acme/model-9')).toBeUndefined();
  });

  it('keeps the hand-typed bundled price of a bundled model listed without one', async () => {
    const litellm = await startLiteLLMServer({
      apiKey: LITELLM_KEY,
      catalog: [{ name: 'openai/gpt-5.4-mini', provider: 'openai' }],
    });
    closers.push(litellm);
    const router = createRouter({
      clock: createFakeClock(),
      logger: false,
      gateways: { litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY } },
    });
    closers.push(router);
    await router.catalog.refresh();
    expect(router.catalog.offers('openai/gpt-5.4-mini')[0]?.priceSource.source).toBe('bundled');
  });

  it('dates its prices by the pinned library release', () => {
    // Upgrading @pydantic/genai-prices means updating MAINTAINED_PRICES_DATE to its release date.
    const installed = JSON.parse(
      readFileSync(
        new URL('../../node_modules/@pydantic/genai-prices/package.json', import.meta.url),
        'utf8',
      ),
    ) as { version: string };
    const pinned = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect([installed.version, pinned.dependencies['@pydantic/genai-prices']]).toEqual(['0.1.8', '0.1.8']);
  });
});

describe('a LiteLLM stream’s cost', () => {
  it('says it was priced from the proxy’s own /model/info price', async () => {
    const { router } = await start();
    const stream = router.stream({ ...ask, model: 'openai/gpt-5.4-mini' });
    for await (const _ of stream) {
      // drain
    }
    const result = await stream.result;
    expect(result.route.gateway).toBe('litellm');
    expect(result.cost.source).toBe('catalog');
    expect(result.cost.priceSource).toEqual({ source: 'litellm', asOf: '2026-01-01' });
    const [record] = await router.usage.query();
    expect(record?.costSource).toBe('catalog');
  });

  it('dates a user price by catalog.date, which must be a day: free text is refused, naming it', () => {
    const settings = { logger: false as const, gateways: { litellm: { baseURL: 'http://127.0.0.1:9' } } };
    const refused = (() => {
      try {
        createRouter({ ...settings, catalog: { date: 'sk-not-a-date' } });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidSettingsError);
    expect(String((refused as Error).message)).toMatch(/catalog\.date.*YYYY-MM-DD/s);
    expect(String((refused as Error).message)).not.toContain('sk-not-a-date');
    createRouter({ ...settings, catalog: { date: '2026-05-01' } }).close();
  });
});
