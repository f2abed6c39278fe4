import type { BreakerRegistry } from '../breaker/breaker-registry.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { UpstreamLimitSignal } from '../limits/rate-limiter.ts';
import { upstreamScopeOf } from '../limits/upstream-blocks.ts';
import type { Availability, Candidate } from '../ranking/candidate.ts';
import type { Clock } from '../types/clock.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import type { RateLimitSnapshot } from '../types/transport.ts';
import { breakerFor } from './decide-next-step.ts';

interface Health {
  errorRate: number;
  latencyMs: number | undefined;
  cooldownUntil: number;
}

// Weight of the newest outcome in the moving averages: recent enough to react within a few calls,
// smooth enough that one slow answer does not reorder everything.
const SMOOTHING = 0.2;

/**
 * What the router has recently seen of each gateway and gateway × provider: error rate, latency,
 * and cool-downs asked for by `Retry-After`. Bounded: one entry per gateway and pair.
 */
export class AvailabilityTracker {
  private readonly health = new Map<string, Health>();
  private readonly clock: Clock;
  private readonly breakers: BreakerRegistry;
  private readonly share: ((scope: string, signal: UpstreamLimitSignal) => void) | undefined;

  /** `share`: also records each upstream signal in the shared limit store (many processes). */
  constructor(
    clock: Clock,
    breakers: BreakerRegistry,
    share?: (scope: string, signal: UpstreamLimitSignal) => void,
  ) {
    this.clock = clock;
    this.breakers = breakers;
    this.share = share;
  }

  of(candidate: Candidate): Availability {
    const provider = candidate.model.provider;
    const pair = this.health.get(`${candidate.gateway}/${provider}`);
    const gateway = this.health.get(candidate.gateway);
    const now = this.clock.now();
    const cooldownUntil = Math.max(pair?.cooldownUntil ?? 0, gateway?.cooldownUntil ?? 0);
    return {
      breaker: this.breakers.stateOf(candidate.gateway, provider),
      errorRate: Math.max(pair?.errorRate ?? 0, gateway?.errorRate ?? 0),
      latencyMs: pair?.latencyMs,
      cooldownMs: Math.max(0, cooldownUntil - now),
      headroom: 1,
    };
  }

  recordSuccess(gateway: GatewayId, provider: ProviderId, latencyMs: number): void {
    for (const key of [gateway, `${gateway}/${provider}`]) {
      const entry = this.entry(key);
      entry.errorRate *= 1 - SMOOTHING;
      entry.latencyMs =
        entry.latencyMs === undefined
          ? latencyMs
          : entry.latencyMs + SMOOTHING * (latencyMs - entry.latencyMs);
    }
  }

  recordFailure(gateway: GatewayId, provider: ProviderId, error: GatewayError): void {
    const keys = error.scope === 'gateway' ? [gateway, `${gateway}/${provider}`] : [`${gateway}/${provider}`];
    for (const key of keys) {
      const entry = this.entry(key);
      if (breakerFor(error) !== 'none' || error.kind === 'rate-limited')
        entry.errorRate += SMOOTHING * (1 - entry.errorRate);
    }
    if (error.kind === 'rate-limited' && error.retryAfterMs !== undefined) {
      this.coolDown(error.scope === 'gateway' ? gateway : `${gateway}/${provider}`, error.retryAfterMs);
      this.share?.(upstreamScopeOf(gateway, provider, error.scope === 'gateway'), {
        retryAfterMs: error.retryAfterMs,
      });
    }
  }

  /**
   * Rate-limit headers on an answer (`x-ratelimit-remaining-*`): when either count reached 0, the
   * gateway × provider is out of use until its reset (60 s when no reset was given).
   */
  recordRateLimit(gateway: GatewayId, provider: ProviderId, snapshot: RateLimitSnapshot | undefined): void {
    if (!snapshot) return;
    const waits: number[] = [];
    if (snapshot.remainingRequests === 0) waits.push(snapshot.resetRequestsMs ?? 60_000);
    if (snapshot.remainingTokens === 0) waits.push(snapshot.resetTokensMs ?? 60_000);
    if (waits.length === 0) return;
    this.coolDown(`${gateway}/${provider}`, Math.max(...waits));
    this.share?.(upstreamScopeOf(gateway, provider), snapshot);
  }

  /** Keeps a gateway (or `gateway/provider`) out of use for `durationMs`. */
  coolDown(key: string, durationMs: number): void {
    const entry = this.entry(key);
    entry.cooldownUntil = Math.max(entry.cooldownUntil, this.clock.now() + durationMs);
  }

  private entry(key: string): Health {
    let entry = this.health.get(key);
    if (!entry) {
      entry = { errorRate: 0, latencyMs: undefined, cooldownUntil: 0 };
      this.health.set(key, entry);
    }
    return entry;
  }
}
