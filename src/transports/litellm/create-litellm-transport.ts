import type { Clock } from '../../types/clock.ts';
import type { FailureScope, GatewayErrorKind } from '../../types/error-kinds.ts';
import type { GatewayId } from '../../types/model.ts';
import type { GatewayHealth, ProbeResult, Transport } from '../../types/transport.ts';
import type { AnswerLimits } from '../answer-limits.ts';
import type { HttpFailureRefiner } from '../openai-compatible/classify-http-failure.ts';
import { createOpenAICompatibleTransport } from '../openai-compatible/create-openai-compatible-transport.ts';
import type { HttpFailure } from '../openai-compatible/http-failure.ts';
import { readNumericCost } from '../openai-compatible/read-wire-response.ts';
import { probeHttp } from '../probe-http.ts';

/** The LiteLLM proxy's address when none is configured. */
export const DEFAULT_LITELLM_BASE_URL = 'https://litellm.bestviable.com';

export interface LiteLLMTransportSettings {
  /** The gateway id this proxy goes by, for a second proxy (`gateways.extra`). @default 'litellm' */
  readonly id?: GatewayId | undefined;
  /** Proxy root, without `/v1`. @default 'https://litellm.bestviable.com' */
  readonly baseURL: string;
  /** A LiteLLM virtual key (or the master key). */
  readonly apiKey: string | undefined;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** How much of an answer is read. @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

// "litellm.RateLimitError: AnthropicException - ..." names the upstream that failed.
const PROVIDER_EXCEPTION =
  /\b(?:OpenAI|Anthropic|Gemini|Vertex_?AI|Cohere|Mistral|Azure|Bedrock|OpenRouter)Exception\b/i;

function typeOf(failure: HttpFailure): string {
  const type = failure.body?.type;
  return typeof type === 'string' ? type : '';
}

/**
 * LiteLLM's error vocabulary (see research/litellm.md §1.8), after the answers about the gateway
 * itself (unknown model, model access: `ANSWERS_ABOUT_THE_GATEWAY`).
 */
export const refineLiteLLMFailure: HttpFailureRefiner = (failure, context) => {
  const { status, message } = failure;
  const scope: FailureScope = PROVIDER_EXCEPTION.test(message) ? 'provider' : 'gateway';
  const result = (kind: GatewayErrorKind) => ({ kind, scope });
  if (
    typeOf(failure) === 'budget_exceeded' ||
    /budget.*exceeded|exceeded.*budget|crossed budget/i.test(message)
  ) {
    // "No deployments available - crossed budget for provider" is the provider's budget on the
    // proxy; another gateway may still serve.
    return result('billing');
  }
  if (/No deployments available|No healthy deployment/i.test(message)) {
    return { kind: 'unavailable', scope: 'provider' };
  }
  if (/ContextWindowExceeded/i.test(message)) return result('context-window');
  if (/ContentPolicyViolation/i.test(message)) return result('content-filter');
  if (status === 401 || status === 403) {
    if (scope === 'provider') {
      // The provider refused a key: the caller's own (BYOK) or the proxy deployment's.
      return context.usedProviderKey ? result('provider-auth') : { kind: 'gateway-auth', scope: 'provider' };
    }
    return { kind: 'gateway-auth', scope: 'gateway' };
  }
  if (status >= 500 && scope === 'provider')
    return { kind: status === 500 ? 'server-error' : 'unavailable', scope };
  return undefined;
};

function pickReadiness(body: unknown): Readonly<Record<string, unknown>> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { status, db, litellm_version: version } = body as Record<string, unknown>;
  return { status, db, version };
}

function pickDeep(body: unknown): Readonly<Record<string, unknown>> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { healthy_count: healthyCount, unhealthy_count: unhealthyCount } = body as Record<string, unknown>;
  return { healthyCount, unhealthyCount };
}

/**
 * The LiteLLM proxy: OpenAI-compatible `POST /v1/chat/completions` with a virtual key, our call id
 * in `x-litellm-call-id`, tags in `metadata.tags`, a BYOK key in the body's `api_key`, and the cost
 * from `x-litellm-response-cost`. Health from `/health/liveliness` and `/health/readiness` (free),
 * and, on request, `/health` (makes real calls to every deployment).
 */
export function createLiteLLMTransport(settings: LiteLLMTransportSettings): Transport {
  const root = settings.baseURL.replace(/\/+$/, '');
  const gateway = settings.id ?? 'litellm';
  const base = createOpenAICompatibleTransport({
    gateway,
    baseURL: `${root}/v1`,
    apiKey: settings.apiKey,
    clock: settings.clock,
    fetch: settings.fetch,
    answerLimits: settings.answerLimits,
    defaultHeaders: settings.headers,
    decorateBody(body, request) {
      if (request.tags && request.tags.length > 0) body.metadata = { tags: request.tags };
      if (request.providerApiKey !== undefined) body.api_key = request.providerApiKey;
    },
    requestHeaders: (request) => ({ 'x-litellm-call-id': request.callId }),
    readCost: (headers, usage) =>
      readNumericCost(headers.get('x-litellm-response-cost')) ?? readNumericCost(usage?.cost),
    refineFailure: refineLiteLLMFailure,
  });

  const probe = (
    path: string,
    signal: AbortSignal,
    pick?: (body: unknown) => Readonly<Record<string, unknown>> | undefined,
    withKey = false,
  ) =>
    probeHttp({
      url: `${root}${path}`,
      signal,
      clock: settings.clock,
      fetch: settings.fetch,
      answerLimits: settings.answerLimits,
      pick,
      headers: withKey && settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : undefined,
      secrets: [settings.apiKey],
    });

  return {
    gateway,
    // BYOK keys go in the body's api_key; cost in x-litellm-response-cost; /health/liveliness is free.
    capabilities: { providerKeys: true, reportsCost: true, freeHealthProbe: true, keyPerProvider: false },
    chat: base.chat,
    stream: base.stream,
    async probe(signal) {
      return (await probe('/health/liveliness', signal)).ok;
    },
    async checkHealth({ deep, signal }): Promise<GatewayHealth> {
      const [liveliness, readiness] = await Promise.all([
        probe('/health/liveliness', signal),
        probe('/health/readiness', signal, pickReadiness),
      ]);
      const checks: Record<string, ProbeResult> = { liveliness, readiness };
      if (deep) checks.deep = await probe('/health', signal, pickDeep, true);
      return { gateway, ok: liveliness.ok && readiness.ok && (checks.deep?.ok ?? true), checks };
    },
  };
}
