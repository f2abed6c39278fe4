import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { KnownProviderId } from '../../catalog/model-definition.ts';
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
 * rejects only when no answer came (network failure, abort, timeout).
 */
export type Probe = (context: ProbeContext) => Promise<ProviderAnswer>;

const OK: Omit<ProviderAnswer, 'body'> = { status: 200, headers: undefined, message: undefined };

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/** `GET /v1/models` through the `openai` client (OpenAI, Mistral). */
const probeWithOpenAIClient: Probe = async (context) => {
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

/** `GET /v1/models?limit=1` through `@anthropic-ai/sdk`. */
const probeWithAnthropicClient: Probe = async (context) => {
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

/** The probe for each provider. */
export const PROBES: Readonly<Record<KnownProviderId, Probe>> = {
  openai: probeWithOpenAIClient,
  mistral: probeWithOpenAIClient,
  anthropic: probeWithAnthropicClient,
  google: probeGemini,
  cohere: probeCohere,
};

/** True when an SDK gave up on its own timeout (the backstop), not on our abort. */
export function isClientTimeout(error: unknown): boolean {
  return (
    error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError
  );
}
