// Candidate building, ranking and compareCosts over a live catalog of 2,000 offers (1,000 models
// listed by both LiteLLM and OpenRouter, merged over the bundled data), per call, in µs.
// Run: node bench/catalog-bench.ts (BENCH_CALLS to scale). Pure CPU: no server, no network.
import { buildCatalogSnapshot } from '../src/catalog/catalog-snapshot.ts';
import { computeCostUsd } from '../src/catalog/compute-cost.ts';
import { parseLiteLLMModelInfo } from '../src/catalog/live/parse-litellm-model-info.ts';
import { parseOpenRouterModels } from '../src/catalog/live/parse-openrouter-models.ts';
import { catalogBase } from '../src/catalog/model-catalog.ts';
import { buildCandidates, type RoutingTable } from '../src/ranking/build-candidates.ts';
import { compareCosts } from '../src/ranking/compare-costs.ts';
import { rankCandidates } from '../src/ranking/rank-candidates.ts';
import {
  generateCatalogModels,
  liteLLMModelInfo,
  openRouterModels,
} from '../src/testing/loopback/model-listings.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const models = generateCatalogModels(1_000, { provider: 'acme' });
const now = Date.UTC(2026, 0, 1);

let started = performance.now();
const listings = [
  parseLiteLLMModelInfo(JSON.parse(JSON.stringify(liteLLMModelInfo(models))), now),
  parseOpenRouterModels(JSON.parse(JSON.stringify(openRouterModels(models))), now),
];
const catalog = buildCatalogSnapshot({ ...catalogBase({}), date: '2026-04-30', listings });
const mergeMs = performance.now() - started;

const table: RoutingTable = {
  catalog,
  providers: new Map(),
  anyProvider: true,
  gateways: [
    { id: 'litellm', modelNames: {} },
    { id: 'openrouter', modelNames: {} },
  ],
  offerCache: new Map(),
};
const query = { models: undefined, requirements: { tools: true }, promptTokens: 500, maxTokens: undefined };
const offers = buildCandidates(table, { ...query, requirements: {} }).candidates.length;
const availability = {
  breaker: 'closed',
  errorRate: 0,
  latencyMs: undefined,
  cooldownMs: 0,
  headroom: 1,
} as const;

function measure(name: string, run: () => unknown): void {
  for (let index = 0; index < 50; index++) run(); // warm-up
  const start = performance.now();
  for (let index = 0; index < CALLS; index++) run();
  const perCall = ((performance.now() - start) * 1_000) / CALLS;
  console.log(`${name.padEnd(44)} ${perCall.toFixed(1).padStart(8)} µs/call`);
}

console.log(
  `catalog: ${catalog.list().length} models, ${offers} offers (parse + merge ${mergeMs.toFixed(1)} ms)`,
);
measure('buildCandidates (require tools)', () => buildCandidates(table, query));
measure('buildCandidates + price + rank cheapest', () => {
  const { candidates } = buildCandidates(table, query);
  const inputs = candidates.map((candidate) => ({
    candidate,
    estimatedCostUsd: computeCostUsd(candidate.pricing, {
      inputTokens: 500,
      outputTokens: 1_024,
      cachedInputTokens: 0,
    }),
    availability,
  }));
  return rankCandidates(inputs, 'cheapest');
});
measure('compareCosts (every model, no requirement)', () =>
  compareCosts(table, { inputTokens: 500, outputTokens: 1_024 }),
);
started = performance.now();
for (let index = 0; index < 20; index++)
  buildCatalogSnapshot({ ...catalogBase({}), date: '2026-04-30', listings });
console.log(
  `${'rebuild the snapshot after a refresh'.padEnd(44)} ${((performance.now() - started) / 20).toFixed(2).padStart(8)} ms`,
);
