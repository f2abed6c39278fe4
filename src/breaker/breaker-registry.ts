import { EventEmitter } from 'node:events';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Clock, TimerHandle } from '../types/clock.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import { type BreakerSettings, type BreakerState, CircuitBreaker } from './circuit-breaker.ts';

/** Which breaker: a whole gateway, or one provider behind a gateway. */
export interface BreakerScope {
  readonly gateway: GatewayId;
  readonly provider?: ProviderId;
}

/** A breaker's state, as reported by `router.health()` and breaker events. */
export interface BreakerSnapshot extends BreakerScope {
  /** `litellm` or `litellm/anthropic`. */
  readonly name: string;
  readonly state: BreakerState;
  /** While open: ms until a probe call is let through. */
  readonly retryAfterMs?: number;
  readonly fires: number;
  readonly failures: number;
}

export interface BreakerRegistryOptions {
  readonly settings: BreakerSettings;
  readonly clock: Clock;
  readonly onStateChange: (state: BreakerState, snapshot: BreakerSnapshot) => void;
  /**
   * Which breaker a failure counts in (the router passes its decision table's `breakerFor`);
   * every other breaker ignores it. Anything not a classified failure counts in none.
   */
  readonly countsIn: (error: unknown) => BreakerLevel;
  /** Cheap health probe per gateway, used while its breaker is open. */
  readonly probe?: ((gateway: GatewayId, signal: AbortSignal) => Promise<boolean>) | undefined;
  /** How often an open gateway is probed; 0 turns probing off. @default 5_000 */
  readonly probeIntervalMs: number;
  /** @default 2_000 */
  readonly probeTimeoutMs: number;
}

/** Which breaker a failure counts in: the gateway's, the gateway × provider pair's, or none. */
export type BreakerLevel = 'gateway' | 'gateway-provider' | 'none';

/**
 * The router's breakers: one per gateway (a proxy that is down affects everything behind it) and
 * one per gateway × provider (one provider's outage behind a healthy proxy). Both are created on
 * first use; all rotate their statistics on one timer of the router's clock.
 */
export class BreakerRegistry {
  private readonly options: BreakerRegistryOptions;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly scopes = new Map<CircuitBreaker, BreakerScope>();
  private readonly rotation = new EventEmitter();
  private rotationTimer: TimerHandle | undefined;
  private readonly probeTimers = new Map<GatewayId, TimerHandle>();
  private disposed = false;

  constructor(options: BreakerRegistryOptions) {
    this.options = options;
    this.rotation.setMaxListeners(0);
  }

  /** The breaker of a gateway (no provider) or of a gateway × provider pair. */
  get(gateway: GatewayId, provider?: ProviderId): CircuitBreaker {
    const name = provider ? `${gateway}/${provider}` : gateway;
    let breaker = this.breakers.get(name);
    if (!breaker) {
      const level: BreakerLevel = provider ? 'gateway-provider' : 'gateway';
      const scope: BreakerScope = provider ? { gateway, provider } : { gateway };
      if (!this.rotationTimer && !this.disposed) this.scheduleRotation();
      breaker = new CircuitBreaker({
        name,
        settings: this.options.settings,
        clock: this.options.clock,
        rotation: this.rotation,
        isIgnored: (error) => this.options.countsIn(error) !== level,
        onStateChange: (state, changed) => this.onStateChange(state, changed, scope),
      });
      this.breakers.set(name, breaker);
      this.scopes.set(breaker, scope);
    }
    return breaker;
  }

  /**
   * The state a call on this gateway and provider would meet: `open` when either breaker refuses,
   * `half-open` when a probe may pass, else `closed`.
   */
  stateOf(gateway: GatewayId, provider: ProviderId): BreakerState {
    const outer = this.breakers.get(gateway)?.state ?? 'closed';
    const inner = this.breakers.get(`${gateway}/${provider}`)?.state ?? 'closed';
    if (outer === 'open' || inner === 'open') return 'open';
    if (outer === 'half-open' || inner === 'half-open') return 'half-open';
    return 'closed';
  }

  /** While refused: the wait until both breakers on the way let a probe pass (the longer of the two). */
  retryAfterMs(gateway: GatewayId, provider: ProviderId): number | undefined {
    const waits = [
      this.breakers.get(gateway)?.retryAfterMs,
      this.breakers.get(`${gateway}/${provider}`)?.retryAfterMs,
    ];
    const defined = waits.filter((wait): wait is number => wait !== undefined);
    return defined.length > 0 ? Math.max(...defined) : undefined;
  }

  /** Runs `task` through the gateway's breaker and the pair's breaker. */
  fire<T>(gateway: GatewayId, provider: ProviderId, task: () => Promise<T>): Promise<T> {
    const pair = this.get(gateway, provider);
    return this.get(gateway).fire(() => pair.fire(task));
  }

  /**
   * Counts a failure that happened outside `fire()` (a stream that broke after its first part) in
   * the breaker its scope belongs to.
   */
  reportFailure(error: GatewayError): void {
    const level = this.options.countsIn(error);
    if (level === 'none' || !error.provider) return;
    const breaker = level === 'gateway' ? this.get(error.gateway) : this.get(error.gateway, error.provider);
    breaker.fire(() => Promise.reject(error)).catch(() => undefined);
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.scopes].map(([breaker, scope]) => this.describe(breaker, scope));
  }

  dispose(): void {
    this.disposed = true;
    this.rotationTimer?.cancel();
    this.rotationTimer = undefined;
    for (const timer of this.probeTimers.values()) timer.cancel();
    this.probeTimers.clear();
    for (const breaker of this.breakers.values()) breaker.dispose();
    this.breakers.clear();
    this.scopes.clear();
  }

  private describe(breaker: CircuitBreaker, scope: BreakerScope): BreakerSnapshot {
    const { fires, failures } = breaker.stats;
    const retryAfterMs = breaker.retryAfterMs;
    return {
      ...scope,
      name: breaker.name,
      state: breaker.state,
      fires,
      failures,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }

  private scheduleRotation(): void {
    const interval = Math.max(
      1,
      Math.floor(this.options.settings.rollingWindowMs / this.options.settings.rollingWindowBuckets),
    );
    const tick = () => {
      this.rotation.emit('rotate');
      this.rotationTimer = this.options.clock.setTimer(tick, interval, { background: true });
    };
    this.rotationTimer = this.options.clock.setTimer(tick, interval, { background: true });
  }

  private onStateChange(state: BreakerState, breaker: CircuitBreaker, scope: BreakerScope): void {
    const snapshot = this.describe(breaker, scope);
    if (snapshot.provider === undefined) {
      if (state === 'open') this.scheduleProbe(snapshot.gateway);
      else {
        this.probeTimers.get(snapshot.gateway)?.cancel();
        this.probeTimers.delete(snapshot.gateway);
      }
    }
    this.options.onStateChange(state, snapshot);
  }

  // While a gateway's breaker is open, a free health probe (LiteLLM /health/liveliness) runs every
  // probeIntervalMs; a success lets the next real call through as the half-open probe, early.
  private scheduleProbe(gateway: GatewayId): void {
    const { probe, probeIntervalMs, probeTimeoutMs, clock } = this.options;
    if (!probe || probeIntervalMs <= 0 || this.disposed) return;
    this.probeTimers.get(gateway)?.cancel();
    const run = async () => {
      const breaker = this.breakers.get(gateway);
      if (breaker?.state !== 'open' || this.disposed) return;
      const controller = new AbortController();
      const timeout = clock.setTimer(() => controller.abort(), probeTimeoutMs, { background: true });
      const healthy = await probe(gateway, controller.signal).catch(() => false);
      timeout.cancel();
      if (this.disposed) return;
      if (healthy) breaker?.probeNow();
      else if (breaker?.state === 'open')
        this.probeTimers.set(gateway, clock.setTimer(run, probeIntervalMs, { background: true }));
    };
    this.probeTimers.set(gateway, clock.setTimer(run, probeIntervalMs, { background: true }));
  }
}
