import type { Clock } from '../types/clock.ts';
import type { LimitKind, LimitName, LimitUnit } from '../types/limit-names.ts';
import type { LimitSettings, LimitTimeZone } from '../types/limit-settings.ts';
import type { LimitReservationEntry, LimitStore } from '../types/limit-store.ts';
import type { RateLimitSnapshot } from '../types/transport.ts';

/** What `createRateLimiter()` takes. */
export interface RateLimiterSettings {
  /** Time for windows, leases and waits. The router passes its own clock. */
  readonly clock: Clock;
  /**
   * Where counters live. Share one store between processes (Redis) to enforce limits across them.
   * @default a new `createMemoryLimitStore()`
   */
  readonly store?: LimitStore;
  /**
   * Where calendar days and months begin: `'UTC'` or a fixed offset in minutes east of UTC.
   * Minute windows are wall-clock minutes in every zone.
   * @default 'UTC'
   */
  readonly timeZone?: LimitTimeZone;
  /**
   * Limits by scope at start, e.g. `{ 'provider:openai': { requestsPerMinute: 500 }, 'user:*': { budgetUsdPerDay: 1 } }`.
   * Change them later with `setLimits()`.
   */
  readonly limits?: Readonly<Record<string, LimitSettings>>;
  /**
   * How long a reservation holds headroom without `settle()` or `release()`; then the store gives
   * it back, so a lost call cannot hold budget until its window ends. Keep it above the longest
   * call (the router's `timeoutMs`). A call settled after its lease still counts its actual use.
   * @default 900_000 (15 minutes)
   */
  readonly reservationTimeoutMs?: number;
}

/** What a call is expected to use, before it is sent. Reserve generously: settle corrects it. */
export interface LimitEstimate {
  /** Requests the call makes. @default 1 */
  readonly requests?: number;
  /** Prompt tokens plus the most output tokens it may produce (`maxTokens`). */
  readonly tokens: number;
  /** The most USD it may cost (its tokens at the candidate's prices). */
  readonly costUsd: number;
}

/** What a finished call used. */
export interface LimitActual {
  /** Prompt plus output tokens, as reported (or estimated) after the call. */
  readonly tokens: number;
  /** USD the call cost. */
  readonly costUsd: number;
}

/** A call to reserve headroom for. */
export interface LimitRequest {
  /**
   * Every scope the call counts against, e.g. `['provider:openai', 'key:team-a', 'user:alice']`.
   * Headroom is taken in all of them or in none. Scopes without limits are still checked for
   * upstream blocks.
   */
  readonly scopes: readonly string[];
  readonly estimate: LimitEstimate;
}

/** Per-call options of `reserve()`. */
export interface ReserveOptions {
  /**
   * Wait for rate-limit headroom (requests and tokens per minute or day, upstream blocks) until
   * this time, in ms since the epoch on the limiter's clock (e.g. the call's deadline). Without it,
   * `reserve()` answers at once. A USD budget, or a call larger than a limit, is never waited for.
   */
  readonly waitUntil?: number;
  /** Stops a wait; `reserve()` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Headroom held for one call. Pass this same object to `settle()` or `release()`, once. */
export interface Reservation {
  readonly id: string;
  /** The scopes it holds headroom in, without duplicates. */
  readonly scopes: readonly string[];
  /** What was reserved, with `requests` filled in. */
  readonly estimate: Required<LimitEstimate>;
  /** When it was taken, ms since the epoch. */
  readonly reservedAt: number;
  /** When its lease ends (`reservationTimeoutMs` later). */
  readonly expiresAt: number;
  /** The counters it added to; what a `LimitStore` needs to settle it. */
  readonly entries: readonly LimitReservationEntry[];
}

/**
 * One limit that had no room for a call. Amounts are in `unit`: requests, tokens, or USD. This is
 * also the payload recommended for the router's `limit-reached` (kind `rate`) and
 * `quota-exhausted` (kind `quota`) events, with the call id added.
 */
export interface LimitDenial {
  readonly scope: string;
  readonly limit: LimitName;
  readonly kind: LimitKind;
  readonly unit: LimitUnit;
  /** Settled use in the current window. 0 for an upstream limit. */
  readonly used: number;
  /** Held by calls in flight. 0 for an upstream limit. */
  readonly reserved: number;
  /** The limit. 0 for an upstream limit (the upstream said nothing is left). */
  readonly size: number;
  /** What this call asked for. */
  readonly requested: number;
  /** ms until the window rolls over or the upstream block lifts. Calls settling earlier may free room sooner. */
  readonly retryAfterMs: number;
  /** When that is, ms since the epoch. */
  readonly resetsAt: number;
  /** The call alone is larger than the limit: no reset will make it fit. */
  readonly tooLarge: boolean;
}

/**
 * The outcome of `reserve()`. When denied, `denial` is the limit that frees up last (any `tooLarge`
 * or `quota` denial first), so its `retryAfterMs` is when the call could fit; `denials` lists them all.
 */
export type ReserveResult =
  | { readonly granted: true; readonly reservation: Reservation }
  | { readonly granted: false; readonly denial: LimitDenial; readonly denials: readonly LimitDenial[] };

/** One limit of one scope, now. Amounts in `unit`. */
export interface LimitStatus {
  readonly scope: string;
  readonly limit: LimitName;
  readonly kind: LimitKind;
  readonly unit: LimitUnit;
  readonly size: number;
  /** Settled use in the current window. */
  readonly used: number;
  /** Held by calls in flight. */
  readonly reserved: number;
  /** `size - used - reserved`, never below 0. */
  readonly remaining: number;
  /** When the current window ends (or the upstream block lifts), ms since the epoch. */
  readonly resetsAt: number;
}

/**
 * What an upstream said about its limits: a 429's `Retry-After` and/or the `x-ratelimit-*` headers
 * of any answer. Remaining 0 blocks the scope until that reset (or 60 s when no reset is given);
 * remaining above 0 changes nothing.
 */
export interface UpstreamLimitSignal extends RateLimitSnapshot {
  /** From `Retry-After` / `retry-after-ms`: the scope has no headroom for this long. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * Request, token and USD limits per scope (provider, key, user), enforced by reserving headroom
 * before a call and settling it after. Built by `createRateLimiter()`.
 */
export interface RateLimiter {
  /**
   * Takes headroom for one call in every scope at once, or explains why not. With
   * `options.waitUntil`, waits on the clock for rate-limit headroom until then.
   */
  reserve(request: LimitRequest, options?: ReserveOptions): Promise<ReserveResult>;
  /** The call finished: replaces its estimate with what it used. A second settle or release does nothing. */
  settle(reservation: Reservation, actual: LimitActual): Promise<void>;
  /** The call failed before using anything: gives the whole reservation back. A second call does nothing. */
  release(reservation: Reservation): Promise<void>;
  /**
   * Every configured limit of every scope with explicit limits, scopes limited by a wildcard that
   * have live counters, and upstream blocks; of `scopes` only when given. Ordered by scope, then
   * limit (`CONFIGURED_LIMIT_NAMES`, then `UPSTREAM_LIMIT_NAMES`). `scopes` other than an array of
   * `<kind>:<id>` strings rejects with `InvalidRequestError` naming it.
   */
  status(scopes?: readonly string[]): Promise<readonly LimitStatus[]>;
  /**
   * Remaining share of the tightest limit over `scopes`, 0..1, for ranking: 1 without limits, 0 when
   * blocked. `scopes` other than an array of `<kind>:<id>` strings rejects with `InvalidRequestError`.
   */
  headroom(scopes: readonly string[]): Promise<number>;
  /** Sets (or with `undefined` or `{}`, removes) the limits of a scope or a `<kind>:*` wildcard. Checked; throws `InvalidSettingsError`. */
  setLimits(scope: string, limits: LimitSettings | undefined): void;
  /** The limits that apply to `scope`: its own, else its wildcard's. */
  limitsOf(scope: string): LimitSettings | undefined;
  /** Applies an upstream's `Retry-After` or `x-ratelimit-remaining-*: 0` to a scope. */
  applyUpstreamSignal(scope: string, signal: UpstreamLimitSignal): Promise<void>;
}
