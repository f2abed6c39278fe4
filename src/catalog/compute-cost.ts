import type { TokenUsage } from '../router/chat-types.ts';
import type { ModelPricing } from './model-definition.ts';

/** USD for the given token counts at the given prices; cached input at its cache price. */
export function computeCostUsd(
  pricing: ModelPricing,
  usage: Pick<TokenUsage, 'inputTokens' | 'outputTokens' | 'cachedInputTokens'>,
): number {
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const cachedPrice = pricing.cachedInputPerToken ?? pricing.inputPerToken;
  return (
    uncached * pricing.inputPerToken + cached * cachedPrice + usage.outputTokens * pricing.outputPerToken
  );
}
