import { createMemoryLimitStore, type MemoryLimitStore } from '../limits/memory-limit-store.ts';
import type {
  LimitBlockRequest,
  LimitReadRequest,
  LimitReleaseRequest,
  LimitReserveRequest,
  LimitReserveResult,
  LimitSettleRequest,
  LimitStoreSnapshot,
} from '../types/limit-store.ts';
import { ExpiringMap } from './expiring-map.ts';
import type { CounterTotals, CounterUse } from './limit-script-codec.ts';

// Bounds of what one process remembers: beyond them the oldest go first (the shared totals of
// windows not seen for long; reservations that were never settled nor released).
const MAX_SEEN = 100_000;
const MAX_HELD = 100_000;

const counterId = (scope: string, limit: string, windowStartMs: number) =>
  `${scope}\n${limit}\n${windowStartMs}`;

/**
 * Counting while the shared store is unavailable (`onUnavailable: 'allow-local'`). Each window
 * starts from the shared totals this process last saw (used and reserved), so a process admits at
 * most the room that was left then: over all processes, an outage can let through up to one
 * window's remaining room per process. What calls use meanwhile is kept as per-counter use and
 * added to the shared counters once the store answers again.
 */
export class LocalLimitFallback {
  /** Shared totals last seen, per counter, until its window ends. */
  private readonly seen = new ExpiringMap<CounterTotals>(MAX_SEEN);
  /** The memory store of the current outage (a fresh one per outage). */
  private current: MemoryLimitStore | undefined;
  /** Reservations taken locally, and the store that holds each. */
  private readonly held = new ExpiringMap<MemoryLimitStore>(MAX_HELD);
  /** Use settled locally and not yet added to the shared counters. */
  private readonly uses = new Map<string, { -readonly [K in keyof CounterUse]: CounterUse[K] }>();

  /** Remembers the shared totals of counters a reply reported. */
  remember(totals: readonly CounterTotals[], nowMs: number): void {
    for (const total of totals) {
      this.seen.set(
        counterId(total.scope, total.limit, total.windowStartMs),
        total,
        total.windowEndMs,
        nowMs,
      );
    }
  }

  /** Starts counting locally (a new outage). */
  begin(): void {
    this.current = createMemoryLimitStore();
  }

  /** Stops taking new local reservations; those held locally still settle here. */
  end(): void {
    this.current = undefined;
  }

  /** Whether `reservationId` was taken locally. */
  holds(reservationId: string): boolean {
    return this.held.has(reservationId);
  }

  reserve(request: LimitReserveRequest): LimitReserveResult {
    const { nowMs } = request;
    const store = this.current ?? createMemoryLimitStore();
    this.current = store;
    // The local store sees only the room that was left: each size less the shared totals.
    const scopes = request.scopes.map((check) => ({
      ...check,
      windows: check.windows.map((window) => {
        const seen = this.seen.get(counterId(check.scope, window.limit, window.windowStartMs), nowMs);
        const taken = seen ? seen.used + seen.reserved : 0;
        return { ...window, size: Math.max(0, window.size - taken) };
      }),
    }));
    const result = store.reserve({ ...request, scopes });
    if (result.granted) {
      this.held.set(request.reservationId, store, request.expiresAtMs, nowMs);
      return result;
    }
    // Denials in shared terms: the whole size, and the shared totals added to the local ones.
    const denials = result.denials.map((denial) => {
      const window = request.scopes
        .find((check) => check.scope === denial.scope)
        ?.windows.find((candidate) => candidate.limit === denial.limit);
      if (!window) return denial;
      const shared = this.seen.get(counterId(denial.scope, window.limit, window.windowStartMs), nowMs);
      return {
        ...denial,
        used: denial.used + (shared?.used ?? 0),
        reserved: denial.reserved + (shared?.reserved ?? 0),
        size: window.size,
      };
    });
    return { granted: false, denials };
  }

  settle(request: LimitSettleRequest): void {
    // Held past its lease too: the local store then counts its use as a late settle.
    const store = this.held.get(request.reservationId, Number.NEGATIVE_INFINITY);
    if (!store) return;
    this.held.delete(request.reservationId);
    store.settle(request);
    for (const entry of request.entries) {
      if (entry.windowEndMs <= request.nowMs) continue;
      const id = counterId(entry.scope, entry.limit, entry.windowStartMs);
      const use = this.uses.get(id) ?? {
        scope: entry.scope,
        limit: entry.limit,
        windowStartMs: entry.windowStartMs,
        windowEndMs: entry.windowEndMs,
        used: 0,
      };
      use.used += request.actual[entry.metric];
      this.uses.set(id, use);
    }
  }

  release(request: LimitReleaseRequest): void {
    const store = this.held.get(request.reservationId, Number.NEGATIVE_INFINITY);
    if (!store) return;
    this.held.delete(request.reservationId);
    store.release(request);
  }

  block(request: LimitBlockRequest): void {
    (this.current ?? this.newCurrent()).block(request);
  }

  /** The local counters on top of the shared totals last seen. */
  read(request: LimitReadRequest): LimitStoreSnapshot {
    const local = (this.current ?? this.newCurrent()).read(request);
    const wanted = request.scopes ? new Set(request.scopes) : undefined;
    const counters = new Map<string, LimitStoreSnapshot['counters'][number]>();
    for (const seen of this.seen.values(request.nowMs)) {
      if (wanted && !wanted.has(seen.scope)) continue;
      counters.set(counterId(seen.scope, seen.limit, seen.windowStartMs), { ...seen });
    }
    for (const counter of local.counters) {
      const id = counterId(counter.scope, counter.limit, counter.windowStartMs);
      const base = counters.get(id);
      counters.set(
        id,
        base
          ? { ...base, used: base.used + counter.used, reserved: base.reserved + counter.reserved }
          : counter,
      );
    }
    return { counters: [...counters.values()], blocks: local.blocks };
  }

  /** Takes the use counted locally so far, to add to the shared counters. */
  takeUses(): CounterUse[] {
    const uses = [...this.uses.values()];
    this.uses.clear();
    return uses;
  }

  private newCurrent(): MemoryLimitStore {
    this.current = createMemoryLimitStore();
    return this.current;
  }
}
