import { GatewayError } from '../../errors/gateway-error.ts';
import type { Clock } from '../../types/clock.ts';
import type { KnownProviderId, ProviderId } from '../../types/model.ts';
import type { Transport, TransportRequest } from '../../types/transport.ts';
import type { AnswerLimits } from '../answer-limits.ts';
import { createOpenAICompatibleTransport } from '../openai-compatible/create-openai-compatible-transport.ts';
import type { WireBody } from '../openai-compatible/to-wire-request.ts';

/** Each provider's OpenAI-compatible endpoint (see research/peers.md §5). */
export const DIRECT_BASE_URLS: Readonly<Record<KnownProviderId, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta/openai',
  cohere: 'https://api.cohere.ai/compatibility/v1',
  mistral: 'https://api.mistral.ai/v1',
};

function useMaxCompletionTokens(body: WireBody): void {
  if (body.max_tokens === undefined) return;
  body.max_completion_tokens = body.max_tokens;
  delete body.max_tokens;
}

export interface DirectProvider {
  readonly baseURL: string;
  /** The organisation's key, or a function fetching it per call; a user's own key replaces it. */
  readonly apiKey: string | (() => string | Promise<string>) | undefined;
}

export interface DirectTransportSettings {
  readonly providers: ReadonlyMap<ProviderId, DirectProvider>;
  readonly clock: Clock;
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** How much of an answer is read. @default DEFAULT_ANSWER_LIMITS */
  readonly answerLimits?: AnswerLimits | undefined;
}

/**
 * Providers' own OpenAI-compatible endpoints, with the provider keys from the settings or the
 * user's own key: a last resort behind LiteLLM and OpenRouter. A provider with neither is not
 * reachable this way.
 */
export function createDirectTransport(settings: DirectTransportSettings): Transport {
  const transports = new Map<ProviderId, { transport: Transport; apiKey: DirectProvider['apiKey'] }>();
  for (const [provider, config] of settings.providers) {
    const staticKey = typeof config.apiKey === 'string' ? config.apiKey : undefined;
    transports.set(provider, {
      apiKey: config.apiKey,
      transport: createOpenAICompatibleTransport({
        gateway: 'direct',
        // Each endpoint is one provider: its outage must not close the others.
        defaultScope: 'provider',
        baseURL: config.baseURL,
        apiKey: staticKey,
        clock: settings.clock,
        fetch: settings.fetch,
        answerLimits: settings.answerLimits,
        // A key reference is resolved per call and sent as the bearer token of that request.
        // Mistral answers 422 to unknown fields and Cohere's compatibility API lacks the option;
        // both report usage without being asked (or the router estimates it).
        streamUsage: provider !== 'mistral' && provider !== 'cohere',
        // OpenAI's own API wants max_completion_tokens (its reasoning models refuse max_tokens);
        // the proxies and the other providers take max_tokens.
        decorateBody: provider === 'openai' ? useMaxCompletionTokens : undefined,
        requestHeaders: (request) =>
          request.providerApiKey === undefined
            ? undefined
            : { authorization: `Bearer ${request.providerApiKey}` },
      }),
    });
  }
  const pick = async (
    request: TransportRequest,
  ): Promise<{ transport: Transport; request: TransportRequest }> => {
    const entry = transports.get(request.provider);
    // A user's own key (BYOK) goes first; then the organisation's key from the settings.
    if (entry && (request.providerApiKey !== undefined || typeof entry.apiKey === 'string')) {
      return { transport: entry.transport, request };
    }
    if (entry && typeof entry.apiKey === 'function') {
      return { transport: entry.transport, request: { ...request, providerApiKey: await entry.apiKey() } };
    }
    throw new GatewayError({
      kind: 'no-key',
      gateway: 'direct',
      provider: request.provider,
      model: request.model,
      scope: 'provider',
      message: `No key for ${request.provider}: set providers.${request.provider}.apiKey to call it directly.`,
    });
  };
  return {
    gateway: 'direct',
    // Each provider's own API, with the user's key or the provider key from the settings.
    capabilities: { providerKeys: true, reportsCost: false, freeHealthProbe: false, keyPerProvider: true },
    async chat(request: TransportRequest) {
      const picked = await pick(request);
      return picked.transport.chat(picked.request);
    },
    async stream(request: TransportRequest) {
      const picked = await pick(request);
      return picked.transport.stream(picked.request);
    },
  };
}
