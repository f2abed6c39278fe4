import type {
  JSONObject,
  LanguageModelV4FinishReason,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import { type CallMetadata, type CallOutcome, callMetadata } from '../router/call-metadata.ts';
import type { FinishReason, TokenUsage } from '../types/chat.ts';
import { ROUTER_PROVIDER_KEY } from './router-provider-settings.ts';

/**
 * What the router adds to a result's `providerMetadata.llmRouter`: the call id, where the call went,
 * what it cost and every candidate tried or skipped (JSON, as the AI SDK requires).
 *
 * @example
 * const { providerMetadata } = await generateText({ model: llm('openai/gpt-5.4-mini'), prompt });
 * const { route, cost, attempts } = getRouterMetadata(providerMetadata) ?? {};
 */
export type RouterMetadata = CallMetadata;

/** `providerMetadata` of a finished (or interrupted) router call. */
export function toProviderMetadata(result: CallOutcome): SharedV4ProviderMetadata {
  const metadata: RouterMetadata = callMetadata(result);
  return { [ROUTER_PROVIDER_KEY]: metadata as unknown as JSONObject };
}

/**
 * The router's metadata in a result's (or a step's) `providerMetadata`, typed; `undefined` when the
 * result did not come from the router.
 *
 * @example
 * const result = await generateText({ model: llm('openai/gpt-5.4-mini'), prompt });
 * getRouterMetadata(result.providerMetadata)?.route.gateway; // 'litellm' or 'openrouter'
 */
export function getRouterMetadata(
  providerMetadata: SharedV4ProviderMetadata | undefined,
): RouterMetadata | undefined {
  const value = providerMetadata?.[ROUTER_PROVIDER_KEY];
  return value === undefined ? undefined : (value as unknown as RouterMetadata);
}

/** The router's token counts in the AI SDK's shape (reasoning tokens are not reported apart). */
export function toUsage(usage: TokenUsage): LanguageModelV4Usage {
  return {
    inputTokens: {
      total: usage.inputTokens,
      noCache: usage.inputTokens - usage.cachedInputTokens,
      cacheRead: usage.cachedInputTokens,
      cacheWrite: undefined,
    },
    outputTokens: { total: usage.outputTokens, text: undefined, reasoning: undefined },
    raw: { ...usage },
  };
}

/** The router's finish reasons are the AI SDK's unified ones; `raw` keeps the router's word. */
export function toFinishReason(reason: FinishReason): LanguageModelV4FinishReason {
  return { unified: reason, raw: reason };
}
