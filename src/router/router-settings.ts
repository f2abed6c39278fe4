import type { BreakerSettings } from '../breaker/circuit-breaker.ts';
import type { ModelCatalogSettings } from '../catalog/model-catalog.ts';
import type { RankingPolicy } from '../ranking/rank-candidates.ts';
import type { AnswerLimits } from '../transports/answer-limits.ts';
import type { Clock } from '../types/clock.ts';
import type { KeyVault } from '../types/key-vault.ts';
import type { LimitSettings, LimitTimeZone } from '../types/limit-settings.ts';
import type { LimitStore } from '../types/limit-store.ts';
import type { Logger } from '../types/logger.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import type { Transport } from '../types/transport.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import type { ByokMode } from './resolve-credentials.ts';

/** A secret given directly, or a function that fetches it when needed (a key reference). */
export type SecretSetting = string | (() => string | Promise<string>);

/** One provider's settings. */
export interface ProviderSettings {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * Catalog ids this provider may serve, e.g. `['mistral/mistral-small-latest']`.
   * @default every catalog model of the provider
   */
  readonly models?: readonly string[];
  /**
   * The provider's own API key, used by the `direct` gateway. Calls through LiteLLM use the proxy's
   * deployment keys (or the caller's BYOK key); calls through OpenRouter use the OpenRouter key.
   */
  readonly apiKey?: SecretSetting | undefined;
  /**
   * Base URL of the provider's OpenAI-compatible endpoint, for the `direct` gateway: `http(s)`, no
   * user info (`user:password@`), no query or fragment.
   * @default the provider's public endpoint (e.g. `https://api.mistral.ai/v1`)
   */
  readonly baseURL?: string | undefined;
  /**
   * Rate limits and USD budgets of this provider, over every gateway and key:
   * `{ requestsPerMinute, tokensPerMinute, requestsPerDay, tokensPerDay, budgetUsdPerDay, budgetUsdPerMonth }`.
   */
  readonly limits?: LimitSettings;
}

/** Limits of keys and users, and where limit counters live. */
export interface RouterLimitSettings {
  /** Limits per user id; `'*'` applies to every user without limits of their own. */
  readonly users?: Readonly<Record<string, LimitSettings>>;
  /** Limits per key id (BYOK key ids, `gateway:<id>`, `provider:<id>`); `'*'` for every key. */
  readonly keys?: Readonly<Record<string, LimitSettings>>;
  /** Where day and month windows start: `'UTC'` or a fixed offset in minutes east of UTC. @default 'UTC' */
  readonly timeZone?: LimitTimeZone;
  /** The counter store. @default in memory (one process); a shared store serves several. */
  readonly store?: LimitStore;
}

/** The self-hosted LiteLLM proxy: the primary gateway. */
export interface LiteLLMGatewaySettings {
  /**
   * `false` leaves LiteLLM out. No key is required: a proxy started without a `master_key` accepts
   * calls without one; a proxy that wants one answers 401 and the call falls back.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Proxy root, without `/v1`: `http(s)`, no user info (`user:password@`), no query or fragment.
   * @default 'https://litellm.bestviable.com'
   */
  readonly baseURL?: string | undefined;
  /** A LiteLLM virtual key: visible ASCII, no spaces or line breaks (it is sent in a header). */
  readonly apiKey?: string | undefined;
  /** Extra headers on every request: token names, Latin-1 values without control characters. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Proxy model names by catalog id, where your proxy uses aliases (`{ 'openai/gpt-5.5': 'gpt5' }`). */
  readonly models?: Readonly<Record<string, string>>;
}

/**
 * One more gateway (`gateways.extra`), with breakers of its own, named by its `id` in routes,
 * events, usage records and reports.
 *
 * @example
 * gateways: {
 *   litellm: { baseURL: 'https://litellm.bestviable.com', apiKey: process.env.LITELLM_API_KEY },
 *   extra: [{ id: 'litellm-eu', kind: 'litellm', baseURL: 'https://litellm-eu.example.com', apiKey: process.env.LITELLM_EU_KEY }],
 * }
 */
export interface ExtraGatewaySettings {
  /**
   * The gateway's id in routes, events, usage records and breakers: lower-case letters, digits and
   * `-`, at most 64 characters; not `litellm`, `openrouter` or `direct`, and unique.
   */
  readonly id: string;
  /**
   * `'litellm'`: a LiteLLM proxy, reached exactly as `gateways.litellm` (its error vocabulary, cost
   * header, free `/health/liveliness` probe, BYOK keys in the body), with LiteLLM's model names and
   * prices unless `models` says otherwise. `'openai-compatible'`: any other gateway serving
   * `POST <baseURL>/chat/completions`; it is offered only the models `models` names, priced from the
   * catalog, and takes no user keys.
   */
  readonly kind: 'litellm' | 'openai-compatible';
  /**
   * `'litellm'`: the proxy root, without `/v1`. `'openai-compatible'`: the URL that
   * `/chat/completions` is appended to, e.g. `'https://gateway.example.com/v1'`. `http(s)`, no user
   * info, no query or fragment.
   */
  readonly baseURL: string;
  /** Sent as `Authorization: Bearer …`: visible ASCII, no spaces or line breaks. */
  readonly apiKey?: string | undefined;
  /** Extra headers on every request: token names, Latin-1 values without control characters. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Model names on this gateway by catalog id (`{ 'openai/gpt-5.4-mini': 'gpt-mini' }`). For
   * `'litellm'` they override LiteLLM's names; for `'openai-compatible'` only these models are offered.
   */
  readonly models?: Readonly<Record<string, string>>;
  /** `false` leaves this gateway out. @default true */
  readonly enabled?: boolean;
}

/** OpenRouter: the fallback gateway. */
export interface OpenRouterGatewaySettings {
  /**
   * OpenRouter always needs a key: `true` without `apiKey` throws `InvalidSettingsError` naming
   * `gateways.openrouter.apiKey`. Left unset while `apiKey` is missing (an unset environment
   * variable), OpenRouter is left out with one warning.
   * @default true when `apiKey` is set (or `transports.openrouter` is given)
   */
  readonly enabled?: boolean;
  /** `http(s)`, no user info, no query or fragment. @default 'https://openrouter.ai/api/v1' */
  readonly baseURL?: string | undefined;
  /** An OpenRouter key (`sk-or-v1-…`): visible ASCII, no spaces or line breaks. */
  readonly apiKey?: string | undefined;
  /** Sent as `HTTP-Referer` for OpenRouter's app attribution: an `http(s)` URL without user info. */
  readonly appUrl?: string | undefined;
  /** Sent as `X-OpenRouter-Title`: Latin-1 characters, no line breaks or control characters. */
  readonly appName?: string | undefined;
  /** Extra headers on every request: token names, Latin-1 values without control characters. */
  readonly headers?: Readonly<Record<string, string>>;
  /** OpenRouter slugs by catalog id, overriding the catalog's. */
  readonly models?: Readonly<Record<string, string>>;
}

/** Calling providers' own OpenAI-compatible endpoints: an optional last resort. */
export interface DirectGatewaySettings {
  /**
   * `true` needs `providers.<id>.apiKey` for at least one enabled provider, or `keys` (BYOK); else
   * `createRouter()` throws `InvalidSettingsError` naming `gateways.direct.enabled`.
   * @default false
   */
  readonly enabled?: boolean;
  /** Model names by catalog id, overriding the catalog's. */
  readonly models?: Readonly<Record<string, string>>;
}

/** Same-target retries. */
export interface RetrySettings {
  /** Retries on the same candidate after its first try (so `2` means up to 3 tries). @default 2 */
  readonly maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. @default 250 */
  readonly baseDelayMs?: number;
  /** Largest backoff delay. @default 4_000 */
  readonly maxDelayMs?: number;
  /**
   * Longest `Retry-After` the router will wait on the same candidate; a longer one moves the call
   * to the next candidate instead. @default 5_000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * Candidates one call may try (skipped ones not counted): a call ranked over the whole catalog
   * does not fan out to dozens of models when something is wrong with all of them. @default 5
   */
  readonly maxCandidates?: number;
}

/**
 * Circuit-breaker tuning, shared by every breaker. Bounds: every `…Ms` at most 2,147,483,647;
 * `rollingWindowBuckets` 1 to 1,000 with buckets of 10 ms or more; `volumeThreshold` and
 * `consecutiveFailures` at most 1,000,000.
 */
export interface RouterBreakerSettings extends Partial<BreakerSettings> {
  /** While a gateway's breaker is open, probe its free health endpoint this often; 0 turns it off. @default 5_000 */
  readonly probeIntervalMs?: number;
  /** @default 2_000 */
  readonly probeTimeoutMs?: number;
}

/** What `createRouter()` takes. Every field is optional. */
export interface RouterSettings {
  readonly gateways?: {
    readonly litellm?: LiteLLMGatewaySettings;
    readonly openrouter?: OpenRouterGatewaySettings;
    readonly direct?: DirectGatewaySettings;
    /**
     * More gateways, tried in this order after LiteLLM and before OpenRouter and `direct`: a second
     * LiteLLM proxy (another region, another team's proxy) or any gateway that speaks the OpenAI
     * chat-completions protocol. At most 16, each with its own id.
     */
    readonly extra?: readonly ExtraGatewaySettings[];
  };
  /**
   * The providers to route to, each with its own settings, by provider id: the five
   * (`openai`, `anthropic`, `google`, `cohere`, `mistral`) or any other the catalog knows
   * (`groq`, `deepseek`, …). When absent, every provider of the catalog is enabled, those the live
   * catalogs add included; when present, only those listed (and not `enabled: false`). An id no
   * catalog model has at construction, and not listed in `catalog.providers`, throws.
   */
  readonly providers?: Readonly<Partial<Record<ProviderId, ProviderSettings>>>;
  /** Model catalog: settings for the bundled one, or your own `ModelCatalog`. */
  readonly catalog?: ModelCatalogSettings | ModelCatalog;
  /**
   * How candidates are ordered. A function must return its inputs (or copies), each at most once;
   * otherwise the call fails with `InvalidSettingsError` naming `ranking`. @default 'cheapest'
   */
  readonly ranking?: RankingPolicy;
  readonly retry?: RetrySettings;
  readonly breaker?: RouterBreakerSettings;
  /** Deadline of a whole call, all attempts included; at most 2,147,483,647. @default 300_000 */
  readonly timeoutMs?: number;
  /** Deadline of one attempt (one HTTP request); at most 2,147,483,647. @default 120_000 */
  readonly attemptTimeoutMs?: number;
  /** Output tokens assumed for cost estimates when a call sets no `maxTokens` (up to 100,000,000). @default 1_024 */
  readonly expectedOutputTokens?: number;
  /**
   * Users' own provider keys (BYOK): a `KeyVault` from `createKeyVault()`. With a `user` on a call,
   * that user's active key for each candidate's provider is used (sent to LiteLLM in the body's
   * `api_key`, or used directly by the `direct` gateway).
   */
  readonly keys?: KeyVault;
  /**
   * `required`: only the user's own keys (candidates without one are skipped); `preferred`: the
   * user's key where there is one, the organisation's keys elsewhere; `off`: never.
   * @default 'preferred' with `keys`, else 'off'
   */
  readonly byok?: ByokMode;
  /**
   * Under `byok: 'required'`, let calls fall back to OpenRouter, which holds no per-user keys and
   * runs on the OpenRouter account's key (the usage record names that key and still the user).
   * @default false
   */
  readonly byokAllowOpenRouter?: boolean;
  /** Limits of users and keys (provider limits are under `providers.<id>.limits`). */
  readonly limits?: RouterLimitSettings;
  /** Where usage records go. @default an in-memory tracker (`router.usage.tracker`) */
  readonly usage?: UsageTracker;
  /** Console-compatible logger; `false` silences the router. @default console */
  readonly logger?: Logger | false;
  /** @default the system clock; tests pass `createFakeClock()` */
  readonly clock?: Clock;
  /** `fetch` used for every HTTP request (proxies, instrumentation). @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * How much of a gateway's answer is read (`maxBodyBytes`, `maxEventBytes`, `maxStreamBytes`).
   * Past a bound the attempt fails as a `bad-response`.
   * @default { maxBodyBytes: 8 MiB, maxEventBytes: 1 MiB, maxStreamBytes: 64 MiB }
   */
  readonly answerLimits?: AnswerLimits;
  /**
   * Your own transports, replacing the built-in ones per gateway: the test kit's fake transport, or
   * an adapter of your own. A gateway given here is enabled unless its settings say otherwise.
   */
  readonly transports?: Readonly<Partial<Record<GatewayId, Transport>>>;
}
