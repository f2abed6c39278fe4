/** A limit that can be configured on a scope; each is also the name of its setting in `LimitSettings`. */
export type ConfiguredLimitName =
  | 'requestsPerMinute'
  | 'tokensPerMinute'
  | 'requestsPerDay'
  | 'tokensPerDay'
  | 'budgetUsdPerDay'
  | 'budgetUsdPerMonth';

/**
 * A limit an upstream reported, applied with `RateLimiter.applyUpstreamSignal()`:
 * - `retryAfter`: a 429's `Retry-After`;
 * - `upstreamRequests`: `x-ratelimit-remaining-requests: 0` until `x-ratelimit-reset-requests`;
 * - `upstreamTokens`: `x-ratelimit-remaining-tokens: 0` until `x-ratelimit-reset-tokens`.
 */
export type UpstreamLimitName = 'retryAfter' | 'upstreamRequests' | 'upstreamTokens';

/** Every limit a call can run into. */
export type LimitName = ConfiguredLimitName | UpstreamLimitName;

/**
 * `rate`: requests or tokens per minute or day, and upstream rate limits; they free up soon, so a
 * call may wait for them (`limit-reached`). `quota`: a USD budget; waiting is pointless
 * (`quota-exhausted`).
 */
export type LimitKind = 'rate' | 'quota';

/** The unit of a limit's `used`, `reserved`, `size` and `requested` in public results. */
export type LimitUnit = 'requests' | 'tokens' | 'usd';

/** What a counter counts in a `LimitStore`; money in integer micro-dollars (1 USD = 1,000,000). */
export type LimitMetric = 'requests' | 'tokens' | 'costMicroUsd';

/** The calendar window a configured limit counts in. */
export type LimitPeriod = 'minute' | 'day' | 'month';

/** What a limit counts, in which window, and how it behaves. */
export interface LimitDefinition {
  readonly metric: LimitMetric;
  readonly unit: LimitUnit;
  readonly kind: LimitKind;
  /** The calendar window; absent for upstream limits, which last until the upstream's reset. */
  readonly period: LimitPeriod | undefined;
}

/** Every configured limit, in the order `status()` lists them. */
export const CONFIGURED_LIMIT_NAMES: readonly ConfiguredLimitName[] = [
  'requestsPerMinute',
  'tokensPerMinute',
  'requestsPerDay',
  'tokensPerDay',
  'budgetUsdPerDay',
  'budgetUsdPerMonth',
];

/** Every upstream limit, in the order `status()` lists them. */
export const UPSTREAM_LIMIT_NAMES: readonly UpstreamLimitName[] = [
  'retryAfter',
  'upstreamRequests',
  'upstreamTokens',
];

const DEFINITIONS: Readonly<Record<LimitName, LimitDefinition>> = {
  requestsPerMinute: { metric: 'requests', unit: 'requests', kind: 'rate', period: 'minute' },
  tokensPerMinute: { metric: 'tokens', unit: 'tokens', kind: 'rate', period: 'minute' },
  requestsPerDay: { metric: 'requests', unit: 'requests', kind: 'rate', period: 'day' },
  tokensPerDay: { metric: 'tokens', unit: 'tokens', kind: 'rate', period: 'day' },
  budgetUsdPerDay: { metric: 'costMicroUsd', unit: 'usd', kind: 'quota', period: 'day' },
  budgetUsdPerMonth: { metric: 'costMicroUsd', unit: 'usd', kind: 'quota', period: 'month' },
  retryAfter: { metric: 'requests', unit: 'requests', kind: 'rate', period: undefined },
  upstreamRequests: { metric: 'requests', unit: 'requests', kind: 'rate', period: undefined },
  upstreamTokens: { metric: 'tokens', unit: 'tokens', kind: 'rate', period: undefined },
};

/** What `name` counts (metric and unit), whether it is a rate limit or a quota, and its window. */
export function defineLimit(name: LimitName): LimitDefinition {
  return DEFINITIONS[name];
}
