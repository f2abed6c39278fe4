import { computeCostUsd, pricesForPrompt } from '../catalog/compute-cost.ts';
import type { GatewayId, ModelPricing, PriceProvenance, ProviderId } from '../types/model.ts';
import { buildCandidates, type RoutingTable, resolveModelId } from './build-candidates.ts';
import { checkCostQuery } from './check-cost-query.ts';
import type { CostComparisonQuery } from './cost-comparison-query.ts';

/** The price of one call on one offer. */
export interface CostComparisonRow {
  readonly model: string;
  readonly provider: ProviderId;
  readonly gateway: GatewayId;
  readonly gatewayModel: string;
  /** The offer's prices, long-context tiers included; the costs use the tier `inputTokens` falls in. */
  readonly pricing: ModelPricing;
  /** Where `pricing` came from (`bundled`, `litellm`, `openrouter`, `user`, `genai-prices`) and its date. */
  readonly priceSource: PriceProvenance;
  readonly inputCostUsd: number;
  readonly outputCostUsd: number;
  readonly totalCostUsd: number;
  /** True on the cheapest row (the first). */
  readonly cheapest: boolean;
}

export interface CostComparison {
  /** Cheapest first; the gateway order (LiteLLM, OpenRouter, direct) breaks ties. */
  readonly rows: readonly CostComparisonRow[];
  readonly cheapest: CostComparisonRow | undefined;
  /** Date of the catalog prices used. */
  readonly pricesAsOf: string;
}

/**
 * Prices a call of the given size on every offer that can serve it. Pure; sends nothing. A query of
 * the wrong shape (not an object, token counts that are not whole numbers 0 or more, model names
 * that are not strings, requirements of the wrong type) throws `InvalidRequestError` naming the field.
 */
export function compareCosts(table: RoutingTable, input: CostComparisonQuery): CostComparison {
  const query = checkCostQuery(input);
  const names =
    query.model === undefined ? undefined : typeof query.model === 'string' ? [query.model] : query.model;
  const { candidates } = buildCandidates(table, {
    models: names?.map((name) => resolveModelId(table.catalog, name, table.gateways) ?? name),
    requirements: query.require ?? {},
    promptTokens: 0,
    maxTokens: undefined,
  });
  const cached = Math.min(query.cachedInputTokens ?? 0, query.inputTokens);
  const sorted = candidates
    .map((candidate) => {
      // The prompt size picks the tier (long context) for input and output alike.
      const prices = pricesForPrompt(candidate.pricing, query.inputTokens);
      const inputCostUsd = computeCostUsd(prices, {
        inputTokens: query.inputTokens,
        outputTokens: 0,
        cachedInputTokens: cached,
      });
      const outputCostUsd = computeCostUsd(prices, {
        inputTokens: 0,
        outputTokens: query.outputTokens,
        cachedInputTokens: 0,
      });
      return { candidate, inputCostUsd, outputCostUsd, totalCostUsd: inputCostUsd + outputCostUsd };
    })
    .sort((a, b) => a.totalCostUsd - b.totalCostUsd || a.candidate.gatewayRank - b.candidate.gatewayRank);
  const rows = sorted.map(({ candidate, ...costs }, index) => ({
    model: candidate.model.id,
    provider: candidate.model.provider,
    gateway: candidate.gateway,
    gatewayModel: candidate.gatewayModel,
    pricing: candidate.pricing,
    priceSource: candidate.priceSource,
    ...costs,
    cheapest: index === 0,
  }));
  return { rows, cheapest: rows[0], pricesAsOf: table.catalog.date };
}
