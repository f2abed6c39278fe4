import type { LimitStoreAvailabilityEvent } from '../types/limit-store.ts';
import { StoreRejected } from './script-runner.ts';

/** An operation kept while the store is unavailable; `nowMs` is its time, shifted by how long it waited. */
export interface HeldOperation {
  readonly kind: 'settle' | 'release' | 'block' | 'limits' | 'reconcile';
  run(nowMs: number): Promise<void>;
}

interface Held {
  readonly operation: HeldOperation;
  readonly nowMs: number;
  readonly heldAtMs: number;
}

/** What the availability tracker needs from its store. */
export interface StoreAvailabilitySettings {
  readonly store: string;
  readonly policy: string;
  readonly retryIntervalMs: number;
  /** The callers' clock, estimated from their last request (their time may be a fake clock's). */
  readonly callerNow: () => number;
  /** One cheap round trip; rejects while the store cannot answer. */
  readonly probe: () => Promise<void>;
  /** Called when the store becomes unavailable. */
  readonly onDown: () => void;
  /** Called once held operations are applied: the last operations to apply before recovery, if any. */
  readonly beforeUp: () => HeldOperation | undefined;
  /** Called when the store is available again. */
  readonly onUp: () => void;
}

/**
 * Whether the shared store answers, and what waits for it when it does not. The first call that
 * times out or cannot connect marks the store unavailable (one `unavailable` event); operations
 * that must not be lost (settle, release, upstream blocks, reconciliation) are held in order, and a
 * background probe every `retryIntervalMs` tries the store again. When the probe answers, the held
 * operations are applied in order (each is idempotent, so one that did reach the store before
 * timing out is not counted twice), then the store is available again (one `recovered` event).
 */
export class StoreAvailability {
  private readonly settings: StoreAvailabilitySettings;
  private readonly listeners = new Set<(event: LimitStoreAvailabilityEvent) => void>();
  private readonly held: Held[] = [];
  private down: { since: number; reason: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private replayed = 0;
  private reconciled = 0;

  constructor(settings: StoreAvailabilitySettings) {
    this.settings = settings;
  }

  /** Whether calls go to the store now. */
  get available(): boolean {
    return this.down === undefined;
  }

  /** Why the store is unavailable, while it is. */
  get reason(): string | undefined {
    return this.down?.reason;
  }

  /** Operations waiting for the store. */
  get pending(): number {
    return this.held.length;
  }

  subscribe(listener: (event: LimitStoreAvailabilityEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The store did not answer: calls follow the policy until it does. */
  markDown(reason: string): void {
    if (this.down) return;
    this.down = { since: Date.now(), reason };
    this.replayed = 0;
    this.reconciled = 0;
    this.settings.onDown();
    const { store, policy } = this.settings;
    this.emit({ type: 'unavailable', store, policy, reason, since: this.down.since });
    this.schedule();
  }

  /** Keeps an operation for when the store answers again. */
  hold(operation: HeldOperation, nowMs: number): void {
    this.held.push({ operation, nowMs, heldAtMs: Date.now() });
  }

  /** Counts counters reconciled, for the `recovered` event. */
  countReconciled(counters: number): void {
    this.reconciled += counters;
  }

  /** One recovery attempt now (close() uses it), then no more background attempts. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.down) await this.recover();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recover(), this.settings.retryIntervalMs);
    // A background probe must not keep the process alive.
    this.timer.unref();
  }

  private recover(): Promise<void> {
    this.recovering ??= this.tryRecover().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async tryRecover(): Promise<void> {
    try {
      await this.settings.probe();
      for (;;) {
        const next = this.held[0] ?? this.takeLast();
        if (!next) break;
        const waited = Math.max(0, Date.now() - next.heldAtMs);
        try {
          await next.operation.run(next.nowMs + waited);
          if (next.operation.kind !== 'reconcile') this.replayed++;
        } catch (error) {
          // The server refused it outright: retrying can never apply it, so it must not block the rest.
          if (!(error instanceof StoreRejected)) throw error;
        }
        this.held.shift();
      }
    } catch {
      if (this.down) this.schedule();
      return;
    }
    const down = this.down;
    if (!down) return;
    this.down = undefined;
    this.settings.onUp();
    const { store, policy } = this.settings;
    this.emit({
      type: 'recovered',
      store,
      policy,
      unavailableMs: Math.max(0, Date.now() - down.since),
      replayed: this.replayed,
      reconciled: this.reconciled,
    });
  }

  // The reconciliation goes last, after everything held, and is re-taken if more was counted
  // locally while the held operations were being applied.
  private takeLast(): Held | undefined {
    const operation = this.settings.beforeUp();
    if (!operation) return undefined;
    const held = { operation, nowMs: this.settings.callerNow(), heldAtMs: Date.now() };
    this.held.push(held);
    return held;
  }

  private emit(event: LimitStoreAvailabilityEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the store; the router logs its own listeners' errors.
      }
    }
  }
}
