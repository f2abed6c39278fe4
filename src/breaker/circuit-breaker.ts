import type { EventEmitter } from 'node:events';
import CircuitBreakerImplementation from 'opossum';
import type { Clock, TimerHandle } from '../clock/clock.ts';

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

// opossum would schedule its own reset with the global timer; ours runs on the router's clock.
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
   * opossum then counts it as a success, except while half-open (see `errorFilter` below).
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
 * An opossum circuit breaker whose reset timing follows the router's clock.
 *
 * opossum keeps its statistics in a `Status` object that rotates its buckets on our `rotation`
 * emitter. Its own reset timer is disabled; when our clock says the reset time has come, the
 * breaker is rebuilt in opossum's `halfOpen` state on the same `Status`, so statistics carry over
 * and opossum itself decides, from the probe's outcome, whether to close or open again.
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly options: CircuitBreakerOptions;
  private readonly status: CircuitBreakerImplementation.Status;
  private breaker: CircuitBreakerImplementation<[Task], unknown>;
  private resetTimer: TimerHandle | undefined;
  private openedAt: number | undefined;
  private failuresInARow = 0;

  constructor(options: CircuitBreakerOptions) {
    this.name = options.name;
    this.options = options;
    this.status = CircuitBreakerImplementation.newStatus({
      rollingCountTimeout: options.settings.rollingWindowMs,
      rollingCountBuckets: options.settings.rollingWindowBuckets,
      rotateBucketController: options.rotation,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.breaker = this.build(undefined);
  }

  /** The current state. */
  get state(): BreakerState {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  /** While open: milliseconds until a probe call will be let through. */
  get retryAfterMs(): number | undefined {
    if (this.openedAt === undefined || !this.breaker.opened) return undefined;
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
    try {
      return (await this.breaker.fire(task)) as T;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (
        (code === 'EOPENBREAKER' || code === 'ESEMLOCKED') &&
        CircuitBreakerImplementation.isOurError(error as Error)
      ) {
        throw new BreakerOpenRejection(this.name, this.retryAfterMs);
      }
      throw error;
    }
  }

  /** Lets the next call through as a probe now (a health check succeeded), without waiting. */
  probeNow(): void {
    if (this.breaker.opened) this.enterHalfOpen();
  }

  /** Stops timers; the breaker is unusable afterwards. */
  dispose(): void {
    this.resetTimer?.cancel();
    this.resetTimer = undefined;
    this.breaker.removeAllListeners();
    // close() clears opossum's own (disabled) reset timer.
    this.breaker.close();
    (
      this.status as unknown as { removeRotateBucketControllerListener(): void }
    ).removeRotateBucketControllerListener();
  }

  private build(state: { closed: boolean; halfOpen: boolean } | undefined) {
    const breaker = new CircuitBreakerImplementation<[Task], unknown>((task: Task) => task(), {
      name: this.name,
      timeout: false,
      resetTimeout: NEVER,
      errorThresholdPercentage: this.options.settings.errorThresholdPercent,
      volumeThreshold: this.options.settings.volumeThreshold,
      rollingCountTimeout: this.options.settings.rollingWindowMs,
      rollingCountBuckets: this.options.settings.rollingWindowBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // opossum counts an ignored error as a success, and a success closes a half-open breaker.
      // So while half-open, only an answer from the target (an HTTP status, even an error one) may
      // close it; a probe that ended without one (aborted, refused further in) reopens it.
      errorFilter: (error: Error) =>
        this.options.isIgnored(error) &&
        !(this.breaker?.halfOpen === true && (error as { status?: unknown }).status === undefined),
      status: this.status,
      ...(state ? { state } : {}),
    } as CircuitBreakerImplementation.Options<[Task]>);
    breaker.on('open', () => this.onOpen());
    breaker.on('success', (result: unknown) => {
      // An ignored error arrives here too (opossum reports it as a success); it is no success.
      if (!(result instanceof Error)) this.failuresInARow = 0;
    });
    breaker.on('failure', () => {
      this.failuresInARow++;
      const limit = this.options.settings.consecutiveFailures;
      if (limit > 0 && this.failuresInARow >= limit && breaker.closed) breaker.open();
    });
    breaker.on('close', () => {
      this.openedAt = undefined;
      this.options.onStateChange('closed', this);
    });
    return breaker;
  }

  private onOpen(): void {
    this.failuresInARow = 0;
    this.openedAt = this.options.clock.now();
    this.resetTimer?.cancel();
    this.resetTimer = this.options.clock.setTimer(
      () => this.enterHalfOpen(),
      this.options.settings.resetTimeoutMs,
      {
        background: true,
      },
    );
    this.options.onStateChange('open', this);
  }

  private enterHalfOpen(): void {
    this.resetTimer?.cancel();
    this.resetTimer = undefined;
    const previous = this.breaker;
    previous.removeAllListeners();
    // Clears opossum's disabled reset timer on the old instance; its listeners are gone, so this
    // neither emits nor touches the shared statistics.
    previous.close();
    this.breaker = this.build({ closed: false, halfOpen: true });
    this.options.onStateChange('half-open', this);
  }
}
