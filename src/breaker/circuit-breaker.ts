import type { EventEmitter } from 'node:events';
import CircuitBreakerImplementation from 'opossum';
import type { Clock, TimerHandle } from '../types/clock.ts';

/** `closed`: calls pass. `open`: calls are refused. `half-open`: one probe call may pass. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** How a breaker decides to open and when it tries again. */
export interface BreakerSettings {
  /** Percentage of failed calls within the rolling window that opens the breaker. @default 50 */
  readonly errorThresholdPercent: number;
  /** Calls needed within the window before the breaker may open at all. @default 5 */
  readonly volumeThreshold: number;
  /** Length of the rolling statistics window. @default 10_000 */
  readonly rollingWindowMs: number;
  /** Buckets the window is divided into. @default 10 */
  readonly rollingWindowBuckets: number;
  /** How long the breaker stays open before letting one probe call through. @default 30_000 */
  readonly resetTimeoutMs: number;
  /**
   * Failures in a row that open the breaker whatever the window's percentage: a target that goes
   * hard down after a busy, healthy spell would otherwise keep failing until its failures outweigh
   * the window's successes. 0 turns it off. @default 5
   */
  readonly consecutiveFailures: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = {
  errorThresholdPercent: 50,
  volumeThreshold: 5,
  rollingWindowMs: 10_000,
  rollingWindowBuckets: 10,
  resetTimeoutMs: 30_000,
  consecutiveFailures: 5,
};

// opossum schedules its own reset (half-open) with the global setTimeout, which no router clock can
// drive; it is set out of reach, and our clock's timer makes the breaker half-open instead (see
// docs/architecture.md, "Breakers, retries and the clock").
const NEVER = 2 ** 31 - 1;

type Task = () => Promise<unknown>;

export interface CircuitBreakerOptions {
  readonly name: string;
  readonly settings: BreakerSettings;
  readonly clock: Clock;
  /** Emits `rotate` once per bucket; shared by every breaker of a router. */
  readonly rotation: EventEmitter;
  /**
   * `true` when an error must not count as a failure (a caller's mistake, another breaker's scope).
   * opossum then counts it as a success, except during a half-open probe (see `errorFilter`).
   */
  readonly isIgnored: (error: unknown) => boolean;
  readonly onStateChange: (state: BreakerState, breaker: CircuitBreaker) => void;
}

/** Thrown by `fire()` when the breaker refuses the call. */
export class BreakerOpenRejection extends Error {
  readonly breaker: string;
  readonly retryAfterMs: number | undefined;

  constructor(breaker: string, retryAfterMs: number | undefined) {
    super(`Circuit breaker ${breaker} is open.`);
    this.name = 'BreakerOpenRejection';
    this.breaker = breaker;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * An opossum circuit breaker whose reset timing follows the router's clock, used through opossum's
 * public API only.
 *
 * opossum keeps the statistics (rotating its buckets on our `rotation` emitter), filters errors
 * (`errorFilter`) and opens on the error percentage; we add the consecutive-failure rule with
 * `open()`. opossum's own reset timer runs on the global clock, so the half-open step is ours: when
 * the router's clock says `resetTimeoutMs` has passed (or a health probe succeeded), the next call
 * is let through as the one probe: opossum is `close()`d for it, other calls are refused meanwhile,
 * and its outcome either keeps the breaker closed or `open()`s it again.
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly options: CircuitBreakerOptions;
  private readonly breaker: CircuitBreakerImplementation<[Task], unknown>;
  private resetTimer: TimerHandle | undefined;
  private openedAt: number | undefined;
  private failuresInARow = 0;
  /** The reset time has come: the next call may pass as the probe. */
  private probeDue = false;
  /** The probe call is under way: every other call is refused until it ends. */
  private probing = false;
  private probeFailed = false;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.options = options;
    const { settings } = options;
    this.breaker = new CircuitBreakerImplementation<[Task], unknown>((task: Task) => task(), {
      name: this.name,
      timeout: false,
      resetTimeout: NEVER,
      errorThresholdPercentage: settings.errorThresholdPercent,
      volumeThreshold: settings.volumeThreshold,
      rollingCountTimeout: settings.rollingWindowMs,
      rollingCountBuckets: settings.rollingWindowBuckets,
      rotateBucketController: options.rotation,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // opossum counts an ignored error as a success. During the probe only an answer from the
      // target (an HTTP status, even an error one) may close the breaker; a probe that ended without
      // one (aborted, refused further in) counts as a failure and opens it again.
      errorFilter: (error: Error) =>
        this.options.isIgnored(error) &&
        !(this.probing && (error as { status?: unknown }).status === undefined),
    });
    this.breaker.on('open', () => this.onOpen());
    this.breaker.on('success', (result: unknown) => {
      // An ignored error arrives here too (opossum reports it as a success); it is no success.
      if (!(result instanceof Error)) this.failuresInARow = 0;
    });
    this.breaker.on('failure', () => {
      if (this.probing) this.probeFailed = true;
      this.failuresInARow++;
      const limit = this.options.settings.consecutiveFailures;
      if (limit > 0 && this.failuresInARow >= limit && this.breaker.closed && !this.probing)
        this.breaker.open();
    });
    this.breaker.on('close', () => {
      // Closing for the probe is not a state change anyone sees: the breaker stays half-open.
      if (this.probing) return;
      this.openedAt = undefined;
      this.options.onStateChange('closed', this);
    });
  }

  /** The current state. */
  get state(): BreakerState {
    if (this.probing || this.probeDue) return 'half-open';
    if (this.breaker.opened) return 'open';
    return 'closed';
  }

  /** While open: milliseconds until a probe call will be let through. */
  get retryAfterMs(): number | undefined {
    if (this.openedAt === undefined || this.state !== 'open') return undefined;
    return Math.max(0, this.openedAt + this.options.settings.resetTimeoutMs - this.options.clock.now());
  }

  /** Counts in the rolling window. */
  get stats(): {
    readonly fires: number;
    readonly failures: number;
    readonly successes: number;
    readonly rejects: number;
  } {
    const { fires, failures, successes, rejects } = this.breaker.stats;
    return { fires, failures, successes, rejects };
  }

  /** Runs `task` through the breaker; rejects with `BreakerOpenRejection` when refused. */
  async fire<T>(task: () => Promise<T>): Promise<T> {
    if (this.probing) throw new BreakerOpenRejection(this.name, this.retryAfterMs);
    if (this.probeDue) return this.probe(task);
    try {
      return (await this.breaker.fire(task)) as T;
    } catch (error) {
      throw this.refusal(error) ?? error;
    }
  }

  /** Lets the next call through as a probe now (a health check succeeded), without waiting. */
  probeNow(): void {
    if (this.state === 'open') this.enterHalfOpen();
  }

  /** Stops timers; the breaker is unusable afterwards. */
  dispose(): void {
    this.resetTimer?.cancel();
    this.resetTimer = undefined;
    // Clears opossum's own reset timer and unhooks its statistics from the rotation emitter.
    this.breaker.shutdown();
  }

  private refusal(error: unknown): BreakerOpenRejection | undefined {
    const code = (error as { code?: unknown }).code;
    if (
      (code === 'EOPENBREAKER' || code === 'ESEMLOCKED') &&
      CircuitBreakerImplementation.isOurError(error as Error)
    ) {
      return new BreakerOpenRejection(this.name, this.retryAfterMs);
    }
    return undefined;
  }

  private async probe<T>(task: () => Promise<T>): Promise<T> {
    this.probeDue = false;
    this.probing = true;
    this.probeFailed = false;
    this.breaker.close();
    try {
      return (await this.breaker.fire(task)) as T;
    } finally {
      this.probing = false;
      if (this.probeFailed) {
        // opossum may have opened already (the window's percentage); else the probe's failure does.
        if (!this.breaker.opened) this.breaker.open();
      } else {
        this.openedAt = undefined;
        this.options.onStateChange('closed', this);
      }
    }
  }

  private onOpen(): void {
    this.failuresInARow = 0;
    this.openedAt = this.options.clock.now();
    this.resetTimer?.cancel();
    this.resetTimer = this.options.clock.setTimer(
      () => this.enterHalfOpen(),
      this.options.settings.resetTimeoutMs,
      { background: true },
    );
    this.options.onStateChange('open', this);
  }

  private enterHalfOpen(): void {
    this.resetTimer?.cancel();
    this.resetTimer = undefined;
    this.probeDue = true;
    this.options.onStateChange('half-open', this);
  }
}
