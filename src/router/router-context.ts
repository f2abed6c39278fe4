import type { EventEmitter } from 'eventemitter3';
import type { BreakerRegistry } from '../breaker/breaker-registry.ts';
import type { GatewayId } from '../catalog/model-definition.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../logger/logger.ts';
import type { RoutingTable } from '../ranking/build-candidates.ts';
import type { RankingPolicy } from '../ranking/rank-candidates.ts';
import type { Transport } from '../transports/transport.ts';
import type { UsageTracker } from '../usage/usage-tracker.ts';
import type { AvailabilityTracker } from './availability-tracker.ts';
import type { LimitAdmission } from './limit-admission.ts';
import type { CredentialResolver } from './resolve-credentials.ts';
import type { RouterEventMap } from './router-events.ts';

/** Resolved retry settings. */
export interface ResolvedRetry {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly maxCandidates: number;
}

/** Everything a call needs from its router; one per router instance, built by `createRouter()`. */
export interface RouterContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventEmitter<RouterEventMap>;
  readonly table: RoutingTable;
  readonly transports: ReadonlyMap<GatewayId, Transport>;
  readonly breakers: BreakerRegistry;
  readonly availability: AvailabilityTracker;
  readonly tracker: UsageTracker;
  readonly ranking: RankingPolicy;
  readonly retry: ResolvedRetry;
  readonly timeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly expectedOutputTokens: number;
  /** Source of jitter for backoff delays. */
  readonly random: () => number;
  /** Which key pays for each attempt (BYOK or the organisation's). */
  readonly credentials: CredentialResolver;
  /** Limits and quotas, checked per attempt while any is configured. */
  readonly limits: LimitAdmission;
}
