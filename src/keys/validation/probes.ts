import type { KnownProviderId } from '../../types/model.ts';
import { importOptional, OPTIONAL_DEPENDENCIES } from '../optional-dependency.ts';
import type { ProviderAnswer } from './provider-answer.ts';
import { pickString } from './provider-answer.ts';

/** What every probe is given. */
export interface ProbeContext {
  /** The provider's API root, without a version segment, e.g. `https://api.openai.com`. */
  readonly baseURL: string;
  readonly apiKey: string;
  readonly signal: AbortSignal;
  /** Passed to the SDK clients as a backstop to the clock-driven abort. */
  readonly timeoutMs: number;
  readonly fetch: typeof globalThis.fetch | undefined;
}

/**
 * Makes the provider's cheapest authenticated call. Resolves with the HTTP answer (success or not);
 * rejects only when no answer came (network failure, abort, or `ClientTimeoutError` when an SDK's
 * own timeout fired).
 */
export type Probe = (context: ProbeContext) => Promise<ProviderAnswer>;

type OpenAIModule = typeof import('openai');
type AnthropicModule = typeof import('@anthropic-ai/sdk');

/**
 * The SDK modules the probes use, each imported on first use (each takes 150 to 200 ms to load,
 * and both are optional peer dependencies) and kept by the validator that created the loaders.
 */
export interface ProbeSdks {
  /** `openai`; `feature` names what needs it when it is not installed. */
  openai(feature: string): Promise<OpenAIModule>;
  /** `@anthropic-ai/sdk`; `feature` names what needs it when it is not installed. */
  anthropic(feature: string): Promise<AnthropicModule>;
}

/** Remembers a load in progress or done; a failed one is tried again on the next call. */
function once<T>(load: (feature: string) => Promise<T>): (feature: string) => Promise<T> {
  let loading: Promise<T> | undefined;
  return (feature) => {
    if (loading) return loading;
    const started = load(feature);
    loading = started;
    started.catch(() => {
      if (loading === started) loading = undefined;
    });
    return started;
  };
}

/** SDK loaders for one validator. */
export function createProbeSdks(): ProbeSdks {
  return {
    openai: once((feature) => importOptional(OPTIONAL_DEPENDENCIES.openai, feature, () => import('openai'))),
    anthropic: once((feature) =>
      importOptional(OPTIONAL_DEPENDENCIES.anthropic, feature, () => import('@anthropic-ai/sdk')),
    ),
  };
}

/**
 * Gets a provider's probe ready: loads what it needs (rejecting with `MissingDependencyError` when
 * an optional SDK is not installed) and returns it.
 */
export type PrepareProbe = (sdks: ProbeSdks) => Promise<Probe>;

/** An SDK gave up on its own timeout (the backstop), not on our abort. */
export class ClientTimeoutError extends Error {
  constructor() {
    super('The SDK client timed out.');
    this.name = 'ClientTimeoutError';
  }
}

const OK: Omit<ProviderAnswer, 'body'> = { status: 200, headers: undefined, message: undefined };

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** `GET /v1/models` through the `openai` client (OpenAI, Mistral). */
function openAIClientProbe({ default: OpenAI }: OpenAIModule): Probe {
  return async (context) => {
    const client = new OpenAI({
      apiKey: context.apiKey,
      baseURL: `${trimSlash(context.baseURL)}/v1`,
      // A user's key is checked on its own: the organisation's env settings must not ride along.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: context.timeoutMs,
      logLevel: 'off',
      ...(context.fetch ? { fetch: context.fetch } : {}),
    });
    try {
      await client.models.list({ signal: context.signal });
      return { ...OK, body: undefined };
    } catch (error) {
      if (error instanceof OpenAI.APIConnectionTimeoutError) throw new ClientTimeoutError();
      if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
        // The client keeps only the body's `error` object (OpenAI shape); other shapes are lost.
        return {
          status: error.status,
          body: error.error,
          headers: error.headers,
          message: pickString(error.error, 'message'),
        };
      }
      throw error;
    }
  };
}

/** `GET /v1/models?limit=1` through `@anthropic-ai/sdk`. */
function anthropicClientProbe({ default: Anthropic }: AnthropicModule): Probe {
  return async (context) => {
    const client = new Anthropic({
      apiKey: context.apiKey,
      baseURL: trimSlash(context.baseURL),
      maxRetries: 0,
      timeout: context.timeoutMs,
      logLevel: 'off',
      ...(context.fetch ? { fetch: context.fetch } : {}),
    });
    try {
      await client.models.list({ limit: 1 }, { signal: context.signal });
      return { ...OK, body: undefined };
    } catch (error) {
      if (error instanceof Anthropic.APIConnectionTimeoutError) throw new ClientTimeoutError();
      if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
        return {
          status: error.status,
          body: error.error,
          headers: error.headers,
          message: pickString(error.error, 'error', 'message'),
        };
      }
      throw error;
    }
  };
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Gemini `GET /v1beta/models?pageSize=1`. The key goes in the `x-goog-api-key` header, which
 * Google documents as equal to `?key=`, so it never sits in a URL that a proxy or an error may log.
 */
const probeGemini: Probe = async (context) => {
  const fetcher = context.fetch ?? globalThis.fetch;
  const response = await fetcher(`${trimSlash(context.baseURL)}/v1beta/models?pageSize=1`, {
    method: 'GET',
    headers: { 'x-goog-api-key': context.apiKey, accept: 'application/json' },
    signal: context.signal,
  });
  const body = await readJson(response);
  return {
    status: response.status,
    body,
    headers: response.headers,
    message: response.ok ? undefined : pickString(body, 'error', 'message'),
  };
};

/** Cohere `POST /v1/check-api-key` → `{ valid }`. */
const probeCohere: Probe = async (context) => {
  const fetcher = context.fetch ?? globalThis.fetch;
  const response = await fetcher(`${trimSlash(context.baseURL)}/v1/check-api-key`, {
    method: 'POST',
    headers: { authorization: `Bearer ${context.apiKey}`, accept: 'application/json' },
    signal: context.signal,
  });
  const body = await readJson(response);
  return {
    status: response.status,
    body,
    headers: response.headers,
    message: pickString(body, 'message'),
  };
};

/** OpenAI and Mistral (`feature` names which) check keys through the `openai` client. */
function prepareOpenAIClientProbe(feature: string): PrepareProbe {
  return async (sdks) => openAIClientProbe(await sdks.openai(feature));
}

/** How each provider's probe is got ready. */
export const PROBES: Readonly<Record<KnownProviderId, PrepareProbe>> = {
  openai: prepareOpenAIClientProbe('OpenAI key validation'),
  mistral: prepareOpenAIClientProbe('Mistral key validation'),
  anthropic: async (sdks) => anthropicClientProbe(await sdks.anthropic('Anthropic key validation')),
  google: async () => probeGemini,
  cohere: async () => probeCohere,
};
