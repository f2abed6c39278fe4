import { type ConfiguredLimitName, defineLimit, type UpstreamLimitName } from '../types/limit-names.ts';
import type {
  LimitBlockRequest,
  LimitCounterSnapshot,
  LimitReadRequest,
  LimitReleaseRequest,
  LimitReservationEntry,
  LimitReserveRequest,
  LimitReserveResult,
  LimitSettingsWrite,
  LimitSettleRequest,
  LimitStore,
  LimitStoreDenial,
  LimitStoreSnapshot,
  SharedLimitSettings,
  UpstreamBlock,
} from '../types/limit-store.ts';

/** How much a memory store holds right now; every number is bounded by the live windows. */
export interface MemoryLimitStoreStats {
  /** Scopes with a live counter or block. */
  readonly scopes: number;
  /** Counters whose window has not ended. */
  readonly counters: number;
  /** Reservations neither settled, released nor expired. */
  readonly reservations: number;
  /** Upstream blocks not yet lifted. */
  readonly blocks: number;
}

/** The in-memory `LimitStore`: answers synchronously. */
export interface MemoryLimitStore extends LimitStore {
  reserve(request: LimitReserveRequest): LimitReserveResult;
  settle(request: LimitSettleRequest): void;
  release(request: LimitReleaseRequest): void;
  block(request: LimitBlockRequest): void;
  read(request: LimitReadRequest): LimitStoreSnapshot;
  writeLimits(request: LimitSettingsWrite): number;
  readLimits(): readonly SharedLimitSettings[];
  /** What the store holds, after dropping what has ended by `nowMs`. */
  stats(nowMs: number): MemoryLimitStoreStats;
}

interface Counter {
  readonly scope: string;
  readonly limit: ConfiguredLimitName;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  used: number;
  reserved: number;
}

interface ScopeState {
  /** By `limit@windowStartMs`. */
  readonly counters: Map<string, Counter>;
  /** Block end by upstream limit. */
  readonly blocks: Map<UpstreamLimitName, number>;
}

interface Held {
  readonly entries: readonly LimitReservationEntry[];
  readonly expiresAtMs: number;
}

const counterKey = (limit: string, windowStartMs: number) => `${limit}@${windowStartMs}`;

/**
 * Limit counters for one process. Every operation is synchronous, so reserve's check-and-add is
 * atomic against every other call in the process. Ended windows, lifted blocks and expired leases
 * are dropped lazily (no timers): at the first operation after the earliest of them falls due.
 *
 * @example
 * const limiter = createRateLimiter({ clock, store: createMemoryLimitStore() });
 */
export function createMemoryLimitStore(): MemoryLimitStore {
  const scopes = new Map<string, ScopeState>();
  const reservations = new Map<string, Held>();
  const limits = new Map<string, SharedLimitSettings>();
  let limitsVersion = 0;
  let nextPruneAtMs = Number.POSITIVE_INFINITY;

  const due = (atMs: number) => {
    if (atMs < nextPruneAtMs) nextPruneAtMs = atMs;
  };

  function scopeState(scope: string): ScopeState {
    let state = scopes.get(scope);
    if (!state) {
      state = { counters: new Map(), blocks: new Map() };
      scopes.set(scope, state);
    }
    return state;
  }

  function findCounter(scope: string, limit: string, windowStartMs: number): Counter | undefined {
    return scopes.get(scope)?.counters.get(counterKey(limit, windowStartMs));
  }

  function counterFor(entry: Omit<LimitReservationEntry, 'metric' | 'amount'>): Counter {
    const counters = scopeState(entry.scope).counters;
    const key = counterKey(entry.limit, entry.windowStartMs);
    let counter = counters.get(key);
    if (!counter) {
      counter = {
        scope: entry.scope,
        limit: entry.limit,
        windowStartMs: entry.windowStartMs,
        windowEndMs: entry.windowEndMs,
        used: 0,
        reserved: 0,
      };
      counters.set(key, counter);
      due(entry.windowEndMs);
    }
    return counter;
  }

  function giveBack(held: Held): void {
    for (const entry of held.entries) {
      const counter = findCounter(entry.scope, entry.limit, entry.windowStartMs);
      if (counter) counter.reserved = Math.max(0, counter.reserved - entry.amount);
    }
  }

  function prune(nowMs: number): void {
    if (nowMs < nextPruneAtMs) return;
    let next = Number.POSITIVE_INFINITY;
    // Leases first: giving back needs the counters, which may be dropped just below.
    for (const [id, held] of reservations) {
      if (held.expiresAtMs <= nowMs) {
        giveBack(held);
        reservations.delete(id);
      } else next = Math.min(next, held.expiresAtMs);
    }
    for (const [scope, state] of scopes) {
      for (const [key, counter] of state.counters) {
        if (counter.windowEndMs <= nowMs) state.counters.delete(key);
        else next = Math.min(next, counter.windowEndMs);
      }
      for (const [limit, untilMs] of state.blocks) {
        if (untilMs <= nowMs) state.blocks.delete(limit);
        else next = Math.min(next, untilMs);
      }
      if (state.counters.size === 0 && state.blocks.size === 0) scopes.delete(scope);
    }
    nextPruneAtMs = next;
  }

  function findDenials(request: LimitReserveRequest): LimitStoreDenial[] {
    const { nowMs } = request;
    const denials: LimitStoreDenial[] = [];
    // A scope listed twice must see its own earlier amounts, or one request could overfill a window.
    const pending = new Map<string, number>();
    for (const check of request.scopes) {
      const state = scopes.get(check.scope);
      for (const [limit, untilMs] of state?.blocks ?? []) {
        if (untilMs <= nowMs) continue;
        const requested = check.amounts[defineLimit(limit).metric];
        denials.push({ scope: check.scope, limit, used: 0, reserved: 0, size: 0, requested, untilMs });
      }
      for (const window of check.windows) {
        const counter = state?.counters.get(counterKey(window.limit, window.windowStartMs));
        const pendingKey = `${check.scope}\n${window.limit}`;
        const earlier = pending.get(pendingKey) ?? 0;
        const requested = check.amounts[window.metric];
        pending.set(pendingKey, earlier + requested);
        const used = counter?.used ?? 0;
        const reserved = (counter?.reserved ?? 0) + earlier;
        if (used + reserved + requested > window.size) {
          denials.push({
            scope: check.scope,
            limit: window.limit,
            used,
            reserved,
            size: window.size,
            requested,
            untilMs: window.windowEndMs,
          });
        }
      }
    }
    return denials;
  }

  return {
    reserve(request) {
      prune(request.nowMs);
      const denials = findDenials(request);
      if (denials.length > 0) return { granted: false, denials };
      const entries: LimitReservationEntry[] = [];
      for (const check of request.scopes) {
        for (const window of check.windows) {
          const entry: LimitReservationEntry = {
            scope: check.scope,
            limit: window.limit,
            metric: window.metric,
            windowStartMs: window.windowStartMs,
            windowEndMs: window.windowEndMs,
            amount: check.amounts[window.metric],
          };
          counterFor(entry).reserved += entry.amount;
          entries.push(entry);
        }
      }
      // A call counted nowhere (no limits on its scopes) has nothing to settle: keep no record of it.
      if (entries.length > 0) {
        reservations.set(request.reservationId, { entries, expiresAtMs: request.expiresAtMs });
        due(request.expiresAtMs);
      }
      return { granted: true };
    },

    settle(request) {
      prune(request.nowMs);
      const held = reservations.get(request.reservationId);
      if (held) {
        reservations.delete(request.reservationId);
        for (const entry of held.entries) {
          const counter = findCounter(entry.scope, entry.limit, entry.windowStartMs);
          if (!counter) continue;
          counter.reserved = Math.max(0, counter.reserved - entry.amount);
          counter.used += request.actual[entry.metric];
        }
        return;
      }
      // Not held and the lease still running: it was settled or released already.
      if (request.nowMs < request.expiresAtMs) return;
      for (const entry of request.entries) {
        if (entry.windowEndMs > request.nowMs) counterFor(entry).used += request.actual[entry.metric];
      }
    },

    release(request) {
      prune(request.nowMs);
      const held = reservations.get(request.reservationId);
      if (!held) return;
      reservations.delete(request.reservationId);
      giveBack(held);
    },

    block({ scope, limit, untilMs, nowMs }) {
      prune(nowMs);
      if (untilMs <= nowMs) return;
      const blocks = scopeState(scope).blocks;
      blocks.set(limit, Math.max(blocks.get(limit) ?? 0, untilMs));
      due(untilMs);
    },

    read({ nowMs, scopes: only }) {
      prune(nowMs);
      const counters: LimitCounterSnapshot[] = [];
      const blocks: UpstreamBlock[] = [];
      const names = only ?? [...scopes.keys()];
      for (const scope of new Set(names)) {
        const state = scopes.get(scope);
        if (!state) continue;
        for (const counter of state.counters.values()) counters.push({ ...counter });
        for (const [limit, untilMs] of state.blocks) blocks.push({ scope, limit, untilMs });
      }
      return { counters, blocks };
    },

    writeLimits({ scope, limits: settings }) {
      limitsVersion++;
      limits.set(scope, { scope, limits: settings, version: limitsVersion });
      return limitsVersion;
    },

    readLimits: () => [...limits.values()],

    stats(nowMs) {
      prune(nowMs);
      let counters = 0;
      let blocks = 0;
      for (const state of scopes.values()) {
        counters += state.counters.size;
        blocks += state.blocks.size;
      }
      return { scopes: scopes.size, counters, reservations: reservations.size, blocks };
    },
  };
}
