import type { FinishReason } from '../types/chat.ts';
import { isKnownProvider, type KnownProviderId, type ProviderId } from '../types/model.ts';

const PROVIDER_NAMES: Readonly<Record<KnownProviderId, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  cohere: 'cohere',
  mistral: 'mistral_ai',
};

/** The value `gen_ai.provider.name` takes when no provider was reached (no candidate could serve). */
export const UNKNOWN_PROVIDER = '_OTHER';

/**
 * Our provider id as the conventions' well-known `gen_ai.provider.name`: `openai`, `anthropic`,
 * `gcp.gemini` (Gemini through the AI Studio API), `cohere`, `mistral_ai`.
 */
export function genAiProviderName(provider: ProviderId | undefined): string {
  if (provider === undefined) return UNKNOWN_PROVIDER;
  return isKnownProvider(provider) ? PROVIDER_NAMES[provider] : provider;
}

const FINISH_REASONS: Readonly<Record<FinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_call',
  'content-filter': 'content_filter',
  error: 'error',
  other: 'other',
};

/** Our finish reason as the conventions' value (`tool_call`, `content_filter`, …). */
export function genAiFinishReason(reason: FinishReason): string {
  return FINISH_REASONS[reason] ?? reason;
}
