import type { Clock } from '../../types/clock.ts';
import type { GatewayErrorKind } from '../../types/error-kinds.ts';
import type { GatewayHealth, Transport } from '../../types/transport.ts';
import type { AnswerLimits } from '../answer-limits.ts';
import { boundWaitMs } from '../http-headers.ts';
import type { HttpFailureRefiner } from '../openai-compatible/classify-http-failure.ts';
import { createOpenAICompatibleTransport } from '../openai-compatible/create-openai-compatible-transport.ts';
import { readNumericCost } from '../openai-compatible/read-wire-response.ts';
import { probeHttp } from '../probe-http.ts';

/** OpenRouter's API root. */
export const DEFAULT_OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';

export interface OpenRouterTransportSettings {
  /** @default 'https://openrouter.ai/api/v1' */
  readonly baseURL: string;
  /** An OpenRouter key, `sk-or-v1-…`. */
  readonly apiKey: string | undefined;
  /** Your app's URL, sent as `HTTP-Referer` (OpenRouter's app attribution). */
  readonly appUrl?: string | undefined;
  /** Your app's name, sent as `X-OpenRouter-Title` (and the older `X-Title`). */
  readonly appName?: string | undefined;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** How much of an answer is read. @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/**
 * OpenRouter's error vocabulary (see research/peers.md §1.7), after the answers about the gateway
 * itself (unknown slug, no endpoint for the model: `ANSWERS_ABOUT_THE_GATEWAY`).
 */
export const refineOpenRouterFailure: HttpFailureRefiner = (failure) => {
  const metadata = record(failure.body?.metadata);
  const availability = record(failure.body?.availability);
  const errorType = typeof metadata?.error_type === 'string' ? metadata.error_type : '';
  const availabilityCode = typeof availability?.code === 'string' ? availability.code : '';
  const retryAfterMs =
    typeof availability?.retry_after === 'number' ? boundWaitMs(availability.retry_after * 1000) : undefined;
  const withRetry = (kind: GatewayErrorKind, scope: 'gateway' | 'provider' = 'provider') =>
    retryAfterMs === undefined ? { kind, scope } : { kind, scope, retryAfterMs };

  if (errorType === 'context_length_exceeded') return { kind: 'context-window' };
  if (errorType === 'content_policy_violation' || errorType === 'refusal') return { kind: 'content-filter' };
  if (availabilityCode === 'capacity_exhausted') return withRetry('rate-limited');
  if (availabilityCode === 'temporarily_unavailable') return withRetry('unavailable');
  switch (failure.status) {
    case 402:
      // Only the in-flight budget is transient; credits and key caps are hard stops.
      return metadata?.limit_source === 'openrouter_in_flight_budget'
        ? { kind: 'rate-limited', scope: 'gateway' }
        : { kind: 'billing', scope: 'gateway' };
    case 403:
      return /moderation|flagged|guardrail/i.test(failure.message)
        ? { kind: 'content-filter' }
        : { kind: 'gateway-auth', scope: 'gateway' };
    case 502:
    case 503:
      return withRetry('unavailable');
    default:
      return undefined;
  }
};

/**
 * OpenRouter: OpenAI-compatible chat completions with OpenRouter slugs, the cost in `usage.cost`,
 * app attribution headers, and key health from `GET /key`.
 */
export function createOpenRouterTransport(settings: OpenRouterTransportSettings): Transport {
  const root = settings.baseURL.replace(/\/+$/, '');
  const attribution: Record<string, string> = { ...settings.headers };
  if (settings.appUrl) attribution['HTTP-Referer'] = settings.appUrl;
  if (settings.appName) {
    attribution['X-OpenRouter-Title'] = settings.appName;
    attribution['X-Title'] = settings.appName;
  }
  const base = createOpenAICompatibleTransport({
    gateway: 'openrouter',
    baseURL: root,
    apiKey: settings.apiKey,
    clock: settings.clock,
    fetch: settings.fetch,
    answerLimits: settings.answerLimits,
    defaultHeaders: attribution,
    readCost: (_headers, usage) => readNumericCost(usage?.cost),
    refineFailure: refineOpenRouterFailure,
  });
  const keyCheck = (signal: AbortSignal) =>
    probeHttp({
      url: `${root}/key`,
      signal,
      clock: settings.clock,
      fetch: settings.fetch,
      answerLimits: settings.answerLimits,
      headers: settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : undefined,
      secrets: [settings.apiKey],
      pick(body) {
        const data = record(record(body)?.data);
        if (!data) return undefined;
        return {
          limit: data.limit,
          limitRemaining: data.limit_remaining,
          usage: data.usage,
          isFreeTier: data.is_free_tier,
        };
      },
    });

  return {
    gateway: 'openrouter',
    // Account-level keys only; usage.cost in every answer; GET /key spends nothing.
    capabilities: { providerKeys: false, reportsCost: true, freeHealthProbe: true, keyPerProvider: false },
    chat: base.chat,
    stream: base.stream,
    async probe(signal) {
      return (await keyCheck(signal)).ok;
    },
    async checkHealth({ signal }): Promise<GatewayHealth> {
      const key = await keyCheck(signal);
      return { gateway: 'openrouter', ok: key.ok, checks: { key } };
    },
  };
}
