import type { TokenUsage } from '../types/chat.ts';
import type { ModelPricing, TokenPrices } from '../types/model.ts';

/**
 * The prices that apply to a call with a prompt of `inputTokens` tokens (cached ones included): the
 * last long-context tier whose threshold the prompt exceeds, else the base prices.
 */
export function pricesForPrompt(pricing: ModelPricing, inputTokens: number): TokenPrices {
  const tiers = pricing.tiers;
  if (tiers === undefined) return pricing;
  let prices: TokenPrices = pricing;
  for (const tier of tiers) if (inputTokens > tier.aboveInputTokens) prices = tier;
  return prices;
}

/**
 * USD for the given token counts at the given prices; cached input at its cache price. A tiered
 * price (long context) is taken at the tier the prompt size (`inputTokens`) falls in.
 */
export function computeCostUsd(
  pricing: ModelPricing,
  usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'>,
): number {
  const prices = pricesForPrompt(pricing, usage.inputTokens);
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const cachedPrice = prices.cachedInputPerToken ?? prices.inputPerToken;
  return uncached * prices.inputPerToken + cached * cachedPrice + usage.outputTokens * prices.outputPerToken;
}
