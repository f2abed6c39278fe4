import type { BreakerSnapshot } from '../breaker/breaker-registry.ts';
import type { CatalogRefreshedEvent, CatalogRefreshFailedEvent } from '../catalog/live/live-catalog.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { RouterError } from '../errors/router-error.ts';
import type { LimitEvent } from '../limits/limit-event.ts';
import type { ChatMessage, ChatOptions, Cost, FinishReason, TokenUsage } from '../types/chat.ts';
import type { GatewayErrorKind, KeyVaultErrorKind } from '../types/error-kinds.ts';
import type { LimitStoreRecoveredEvent, LimitStoreUnavailableEvent } from '../types/limit-store.ts';
import type { ProviderId } from '../types/model.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { UsageRecord } from '../types/usage-record.ts';

/** `call-start`: a call was accepted and its candidates ranked. */
export interface CallStartEvent {
  readonly callId: string;
  readonly user: string | undefined;
  readonly tags: readonly string[];
  readonly stream: boolean;
  /** Number of candidates, in the order they will be tried. */
  readonly candidates: number;
  /** The first-ranked candidate. */
  readonly preferred: Route | undefined;
  /**
   * The call's options as the caller passed them (model, `maxTokens`, `temperature`, …), messages
   * included: mind what you log.
   */
  readonly options: ChatOptions;
}

/** `call-end`: a call returned a result. */
export interface CallEndEvent {
  readonly callId: string;
  readonly route: Route;
  readonly usage: TokenUsage;
  readonly cost: Cost;
  readonly latencyMs: number;
  readonly attempts: readonly Attempt[];
  /** Why generation stopped (`other` for a stream the caller left early). */
  readonly finishReason: FinishReason;
  /** The assistant message returned (for a stream, what was delivered). */
  readonly message: Extract<ChatMessage, { role: 'assistant' }>;
}

/** `call-error`: a call failed; `error` is what the caller receives. */
export interface CallErrorEvent {
  readonly callId: string;
  readonly error: RouterError;
  readonly attempts: readonly Attempt[];
  readonly latencyMs: number;
}

/**
 * `attempt-start`: the call starts trying a candidate (after its key and limit headroom were
 * secured); `attempt-error` follows for each failed try, and the call ends on this candidate or
 * moves on with `fallback`.
 */
export interface AttemptStartEvent {
  readonly callId: string;
  readonly route: Route;
}

/** `attempt-error`: one try on one candidate failed. */
export interface AttemptErrorEvent {
  readonly callId: string;
  readonly route: Route;
  readonly error: GatewayError;
  /** 1 for the first try on this candidate, 2 for its first retry, … */
  readonly try: number;
  /** Whether the router will try the same candidate again (after `retryDelayMs`). */
  readonly retrying: boolean;
  readonly retryDelayMs: number | undefined;
}

/** `fallback`: the call moves from one candidate to another. */
export interface FallbackEvent {
  readonly callId: string;
  readonly from: Route;
  readonly to: Route;
  /** Why `from` was left: its error kind, or `breaker-open` when it was skipped. */
  readonly reason: GatewayErrorKind;
  /** The error's message, secrets removed. */
  readonly message: string;
  /** Candidates skipped or failed between `from` and `to`, `from` included. */
  readonly skipped: number;
}

/** `breaker-open`, `breaker-half-open`, `breaker-close`. */
export type BreakerEvent = BreakerSnapshot;

/** `key-disabled`: a user's key was found invalid after a provider refused it, and disabled. */
export interface KeyDisabledEvent {
  readonly keyId: string;
  readonly provider: ProviderId;
  readonly user: string;
  readonly reason: string;
}

/**
 * `key-unavailable`: the user has a key for `provider`, but the vault could not hand it out for this
 * call (its record was tampered with, it cannot be decrypted, the KMS is unavailable). Once per call
 * and provider. Under `byok: 'preferred'` the call goes on with the organisation's key and its usage
 * record carries `byokFallback`; under `'required'` that provider's candidates are skipped.
 */
export interface KeyUnavailableEvent {
  readonly callId: string;
  readonly user: string;
  readonly provider: ProviderId;
  /** The key that could not be used; absent when the vault failed before finding one. */
  readonly keyId: string | undefined;
  /** The vault's error kind (`integrity`, `unavailable`, `rate-limited`, `unauthorized`, …). */
  readonly reason: KeyVaultErrorKind;
  /** The vault's error message, secrets removed. */
  readonly message: string;
  /** True when the organisation's key is used instead (`preferred`); false when skipped (`required`). */
  readonly organisationKeyUsed: boolean;
}

/**
 * `limit-reached` (a rate limit) and `quota-exhausted` (a USD budget): a configured limit refused
 * a candidate. Which limit of which scope (`provider:openai`, `key:<id>`, `user:<id>`), how much was
 * used and is in flight, its size, what the call asked for, and when it frees up.
 */
export type LimitReachedEvent = LimitEvent;

/**
 * `limit-store-unavailable`: the shared limit store (Redis) did not answer within its `timeoutMs`;
 * until it recovers, calls follow its `onUnavailable` policy (`refuse` or `allow-local`).
 */
export type LimitStoreUnavailableRouterEvent = LimitStoreUnavailableEvent;

/** `limit-store-recovered`: the shared limit store answers again; what it held meanwhile is applied. */
export type LimitStoreRecoveredRouterEvent = LimitStoreRecoveredEvent;

/** `tracker-error`: the usage tracker threw; the call itself was not affected. */
export interface TrackerErrorEvent {
  readonly callId: string;
  readonly error: unknown;
}

/** Every event the router emits, with its payload. */
export interface RouterEventMap {
  'call-start': [event: CallStartEvent];
  'call-end': [event: CallEndEvent];
  'call-error': [event: CallErrorEvent];
  'attempt-start': [event: AttemptStartEvent];
  'attempt-error': [event: AttemptErrorEvent];
  fallback: [event: FallbackEvent];
  'breaker-open': [event: BreakerEvent];
  'breaker-half-open': [event: BreakerEvent];
  'breaker-close': [event: BreakerEvent];
  /** Exactly one per finished call (ok, error or aborted). */
  usage: [event: UsageRecord];
  'tracker-error': [event: TrackerErrorEvent];
  'key-disabled': [event: KeyDisabledEvent];
  'key-unavailable': [event: KeyUnavailableEvent];
  'limit-reached': [event: LimitReachedEvent];
  'quota-exhausted': [event: LimitReachedEvent];
  'limit-store-unavailable': [event: LimitStoreUnavailableRouterEvent];
  'limit-store-recovered': [event: LimitStoreRecoveredRouterEvent];
  /** A gateway's live catalog was read and merged (one per gateway and refresh). */
  'catalog-refreshed': [event: CatalogRefreshedEvent];
  /** A gateway's live catalog could not be read; its last good catalog stays in use. */
  'catalog-refresh-failed': [event: CatalogRefreshFailedEvent];
}

/** Names of the router's events. */
export type RouterEventName = keyof RouterEventMap;
