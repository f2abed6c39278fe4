import type { EventEmitter } from 'eventemitter3';
import type { BreakerSnapshot } from '../breaker/breaker-registry.ts';
import type { RouterCatalog } from '../catalog/live/live-catalog.ts';
import type { LimitStatus } from '../limits/rate-limiter.ts';
import type { CostComparison } from '../ranking/compare-costs.ts';
import type { CostComparisonQuery } from '../ranking/cost-comparison-query.ts';
import type { ChatOptions, ChatResult } from '../types/chat.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import type { ChatStream } from '../types/stream.ts';
import type { GatewayHealth } from '../types/transport.ts';
import type { RouterUsage } from '../usage/router-usage.ts';
import type { RouterEventMap } from './router-events.ts';

/** Options of `router.health()`. */
export interface HealthOptions {
  /**
   * Also call LiteLLM's `GET /health`, which makes a real (billable) call to every deployment.
   * @default false
   */
  readonly deep?: boolean;
  /** Time the whole health check may take, every gateway's checks included. @default 5_000 */
  readonly timeoutMs?: number;
}

/** What `router.health()` found. */
export interface HealthReport {
  /** Every enabled gateway answered its checks. */
  readonly ok: boolean;
  readonly checkedAt: number;
  readonly gateways: readonly GatewayHealth[];
  readonly breakers: readonly BreakerSnapshot[];
}

/** The router's limits and quotas. */
export interface RouterLimits {
  /** Use, in-flight reservations, size, remaining and reset time of every configured limit (or of `scopes`). */
  status(scopes?: readonly string[]): Promise<readonly LimitStatus[]>;
  /**
   * Sets, or with `undefined` removes, the limits of a scope at run time: `provider:<id>`,
   * `key:<id>`, `user:<id>`, or `user:*` / `key:*` for defaults.
   */
  set(scope: string, limits: LimitSettings | undefined): void;
  /** Remaining share (0..1) of the tightest limit over these scopes. */
  headroom(scopes: readonly string[]): Promise<number>;
}

/**
 * One chat interface over every configured model, provider and gateway. Create it with
 * `createRouter()`; it is an event emitter of `RouterEventMap`.
 */
export interface Router
  extends Pick<EventEmitter<RouterEventMap>, 'on' | 'once' | 'off' | 'removeAllListeners' | 'listenerCount'> {
  /** Sends one chat call and returns the whole answer. */
  chat(options: ChatOptions): Promise<ChatResult>;
  /**
   * The same call, streamed. Returns at once; bad options throw `InvalidRequestError` here. The
   * router falls back to another candidate only before the first content part.
   */
  stream(options: ChatOptions): ChatStream;
  /** Prices a call of the given size on every offer that can serve it, cheapest first. */
  compareCosts(query: CostComparisonQuery): CostComparison;
  /** Health of every gateway (LiteLLM liveliness/readiness, OpenRouter key) and every breaker. */
  health(options?: HealthOptions): Promise<HealthReport>;
  /** State of every breaker created so far. */
  breakers(): readonly BreakerSnapshot[];
  /**
   * The catalog in use: models, each one's offers per gateway (`offers(id)`) with price sources and
   * dates, and the live state (`refreshedAt`, `gateways()`, `refresh()`).
   */
  readonly catalog: RouterCatalog;
  readonly usage: RouterUsage;
  readonly limits: RouterLimits;
  /** Stops background timers and flushes the usage tracker. */
  close(): Promise<void>;
}
