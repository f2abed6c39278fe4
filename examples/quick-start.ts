/**
 * Quick start: one router, LiteLLM first, OpenRouter when LiteLLM fails.
 *
 *   npm install && npm run example
 *
 * With no environment variables it runs on the embedded default: loopback LiteLLM and OpenRouter
 * servers from the test kit. First it reads the gateways' live catalogs (each also lists DeepSeek,
 * a provider beyond the five, at its own price) and compares one request's cost across providers.
 * Part-way it takes LiteLLM down so the breaker opens and calls fall back to OpenRouter, then brings
 * it back so the breaker closes. With LITELLM_BASE_URL, LITELLM_API_KEY and OPENROUTER_API_KEY set,
 * the same catalog reads and calls go to the real services.
 */
import { type ChatOptions, createRouter, type UsageRecord } from '@bestviable/llm-router';
import {
  bundledListing,
  type ChatServer,
  type LoopbackCatalogModel,
  startLiteLLMServer,
  startOpenRouterServer,
} from '@bestviable/llm-router/testing';

const live = Boolean(process.env.LITELLM_BASE_URL && process.env.OPENROUTER_API_KEY);
let litellmServer: ChatServer | undefined;
let openrouterServer: ChatServer | undefined;
if (!live) {
  // Each gateway's live catalog: the bundled models, plus DeepSeek's chat model at the gateway's price.
  const deepseek = (inputPerToken: number, outputPerToken: number): LoopbackCatalogModel => ({
    name: 'deepseek/deepseek-chat',
    provider: 'deepseek',
    inputPerToken,
    outputPerToken,
    contextWindow: 64_000,
    maxOutputTokens: 8_192,
    tools: true,
    json: true,
  });
  litellmServer = await startLiteLLMServer({
    apiKey: 'sk-demo-litellm',
    latencyMs: 5,
    catalog: [...bundledListing('litellm'), deepseek(2.8e-7, 4.2e-7)],
  });
  openrouterServer = await startOpenRouterServer({
    apiKey: 'sk-or-v1-demo',
    latencyMs: 15,
    catalog: [...bundledListing('openrouter'), deepseek(2.7e-7, 1.1e-6)],
  });
}

const router = createRouter({
  gateways: {
    litellm: live
      ? { baseURL: process.env.LITELLM_BASE_URL, apiKey: process.env.LITELLM_API_KEY }
      : { baseURL: litellmServer?.baseURL, apiKey: 'sk-demo-litellm' },
    openrouter: live
      ? { apiKey: process.env.OPENROUTER_API_KEY, appName: 'llm-router quick start' }
      : { baseURL: openrouterServer?.baseURL, apiKey: 'sk-or-v1-demo' },
  },
  // Short breaker timings so the demo shows a whole open → half-open → closed cycle in seconds.
  breaker: { volumeThreshold: 3, resetTimeoutMs: 10_000, probeIntervalMs: 300 },
  retry: { maxRetries: 1, baseDelayMs: 50 },
  logger: false,
});

router.on('fallback', (event) =>
  console.log(`  ↪ fallback ${event.from.gateway} → ${event.to.gateway} (${event.reason})`),
);
for (const name of ['breaker-open', 'breaker-half-open', 'breaker-close'] as const) {
  router.on(name, (event) => console.log(`  ⚡ ${name} ${event.name}`));
}
const ledger: UsageRecord[] = [];
router.on('usage', (record) => ledger.push(record));

async function ask(label: string, options: ChatOptions): Promise<void> {
  try {
    const reply = await router.chat(options);
    const { route, cost, usage } = reply;
    console.log(
      `${label.padEnd(28)} ${route.gateway.padEnd(10)} ${route.model.padEnd(32)} ` +
        `${usage.inputTokens}+${usage.outputTokens} tok  $${cost.usd.toFixed(6)} (${cost.source})  "${reply.text.slice(0, 40)}"`,
    );
  } catch (error) {
    console.log(`${label.padEnd(28)} failed: ${(error as Error).message}`);
  }
}

const user = (content: string): ChatOptions['messages'] => [{ role: 'user', content }];

// The router reads both gateways' live catalogs at start, without holding up any call (the bundled
// data serves until then); refresh() joins that first read, so the catalog below is the live one.
router.on('catalog-refreshed', (event) =>
  console.log(`  catalog-refreshed ${event.gateway}: ${event.models} models (${event.skipped} skipped)`),
);
router.on('catalog-refresh-failed', (event) =>
  console.log(`  catalog-refresh-failed ${event.gateway}: ${event.reason}, the last good catalog stays`),
);
console.log('\nLive catalog:');
await router.catalog.refresh();
for (const gateway of router.catalog.gateways()) {
  console.log(`  ${gateway.gateway.padEnd(10)} serves ${gateway.models ?? '?'} models`);
}
console.log(`  ${router.catalog.list().length} models in the merged catalog`);

console.log('\nCost of one 2,000-in / 500-out request with tools, one model per provider, on each offer:');
for (const row of router.compareCosts({
  model: [
    'openai/gpt-5.4-mini',
    'anthropic/claude-haiku-4-5',
    'google/gemini-3-flash-preview',
    'mistral/mistral-small-latest',
    'deepseek/deepseek-chat', // beyond the five: known only from the gateways' live catalogs
  ],
  require: { tools: true },
  inputTokens: 2_000,
  outputTokens: 500,
}).rows) {
  console.log(
    `  ${row.provider.padEnd(10)} ${row.gateway.padEnd(10)} ${row.gatewayModel.padEnd(42)} ` +
      `$${row.totalCostUsd.toFixed(6)}  (${row.priceSource.source} price)${row.cheapest ? '  ← cheapest' : ''}`,
  );
}

console.log('\nCheapest model for each need (through LiteLLM):');
await ask('any model', { messages: user('Summarise this ticket'), user: 'user-42' });
await ask('tools + 200k context', {
  messages: user('Plan the refund'),
  require: { tools: true, minContextTokens: 200_000 },
});
await ask('named model', { model: 'anthropic/claude-sonnet-4-6', messages: user('Draft a reply') });

console.log('\nCost of a 2,000-in / 500-out call of anthropic/claude-haiku-4-5 on each offer:');
for (const row of router.compareCosts({
  model: 'anthropic/claude-haiku-4-5',
  inputTokens: 2_000,
  outputTokens: 500,
}).rows) {
  console.log(
    `  ${row.gateway.padEnd(10)} ${row.gatewayModel.padEnd(30)} $${row.totalCostUsd.toFixed(6)}${row.cheapest ? '  ← cheapest' : ''}`,
  );
}

if (litellmServer) {
  console.log('\nLiteLLM goes down:');
  await litellmServer.down();
  for (let call = 1; call <= 4; call++)
    await ask(`call ${call} while down`, {
      model: 'openai/gpt-5.4-mini',
      messages: user(`Question ${call}`),
    });

  console.log('\nLiteLLM comes back; the health probe lets the next call through and the breaker closes:');
  await litellmServer.up();
  while (router.breakers().find((breaker) => breaker.name === 'litellm')?.state === 'open') {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await ask('call after recovery', { model: 'openai/gpt-5.4-mini', messages: user('Are you back?') });
  await ask('next call', { model: 'openai/gpt-5.4-mini', messages: user('Still there?') });
}

console.log('\nCost by provider:');
const byProvider = new Map<string, { calls: number; usd: number; tokens: number }>();
for (const record of ledger) {
  const key = `${record.provider ?? '-'} via ${record.gateway ?? '-'}`;
  const row = byProvider.get(key) ?? { calls: 0, usd: 0, tokens: 0 };
  row.calls++;
  row.usd += record.costUsd;
  row.tokens += record.inputTokens + record.outputTokens;
  byProvider.set(key, row);
}
console.table(
  Object.fromEntries(
    [...byProvider].map(([key, row]) => [
      key,
      { calls: row.calls, tokens: row.tokens, usd: Number(row.usd.toFixed(6)) },
    ]),
  ),
);

await router.close();
await litellmServer?.close();
await openrouterServer?.close();
