import type { ConfiguredLimitName, LimitMetric, UpstreamLimitName } from './limit-names.ts';
import type { LimitSettings } from './limit-settings.ts';

/** Amounts per metric, in whole units: requests, tokens, micro-dollars. */
export type LimitAmounts = Readonly<Record<LimitMetric, number>>;

/** One configured limit of one scope, in its current calendar window. */
export interface LimitWindowCheck {
  readonly limit: ConfiguredLimitName;
  readonly metric: LimitMetric;
  /** Window start, ms since the epoch; with `scope` and `limit` it names the counter. */
  readonly windowStartMs: number;
  /** Window end (exclusive); the counter may be dropped from then on. */
  readonly windowEndMs: number;
  /** The limit, in the metric's unit. */
  readonly size: number;
}

/** A scope a reservation must fit in: what the call adds, and the windows it is counted in. */
export interface LimitScopeCheck {
  readonly scope: string;
  /** What the call adds to each metric. */
  readonly amounts: LimitAmounts;
  /** The scope's configured limits; may be empty, and the scope's upstream blocks still apply. */
  readonly windows: readonly LimitWindowCheck[];
}

/**
 * Asks for headroom in every listed scope at once. A store grants all of it or none of it, in one
 * atomic step: a shared store runs the whole check-and-add as one script (Redis: one Lua call
 * over the counter keys `{scope}:{limit}:{windowStartMs}` and block keys `{scope}:block:{limit}`).
 */
export interface LimitReserveRequest {
  /** Unique across every process sharing the store. */
  readonly reservationId: string;
  readonly nowMs: number;
  /**
   * The reservation's lease: a reservation neither settled nor released by then is released by the
   * store, so a lost call cannot hold headroom until its month ends.
   */
  readonly expiresAtMs: number;
  readonly scopes: readonly LimitScopeCheck[];
}

/** One limit that had no room, in the metric's unit. */
export interface LimitStoreDenial {
  readonly scope: string;
  readonly limit: ConfiguredLimitName | UpstreamLimitName;
  /** Settled use in the window (0 for an upstream block). */
  readonly used: number;
  /** Held by reservations in flight (0 for an upstream block). */
  readonly reserved: number;
  /** The limit (0 for an upstream block: the upstream said nothing is left). */
  readonly size: number;
  /** What this call asked for. */
  readonly requested: number;
  /** When the window ends or the block lifts, ms since the epoch. */
  readonly untilMs: number;
}

/** `granted`: every amount was added to its counter as reserved. `denied`: nothing was changed. */
export type LimitReserveResult =
  | { readonly granted: true }
  | { readonly granted: false; readonly denials: readonly LimitStoreDenial[] };

/** One counter a reservation added to. The caller keeps these, so a store can settle after a lease expired. */
export interface LimitReservationEntry {
  readonly scope: string;
  readonly limit: ConfiguredLimitName;
  readonly metric: LimitMetric;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** What was reserved, in the metric's unit. */
  readonly amount: number;
}

/** Replaces a reservation's reserved amounts with what the call really used. */
export interface LimitSettleRequest {
  readonly reservationId: string;
  readonly nowMs: number;
  readonly expiresAtMs: number;
  readonly entries: readonly LimitReservationEntry[];
  /** What the call used, per metric. */
  readonly actual: LimitAmounts;
}

/** Gives a reservation's amounts back (a failed call). */
export interface LimitReleaseRequest {
  readonly reservationId: string;
  readonly nowMs: number;
}

/** Until `untilMs`, `scope` has no headroom for `limit`: an upstream said so. */
export interface UpstreamBlock {
  readonly scope: string;
  readonly limit: UpstreamLimitName;
  readonly untilMs: number;
}

/** Records an upstream block, as of `nowMs`. */
export interface LimitBlockRequest extends UpstreamBlock {
  readonly nowMs: number;
}

/** Asks for live counters and blocks, of `scopes` only when given. */
export interface LimitReadRequest {
  readonly nowMs: number;
  readonly scopes?: readonly string[];
}

/** One live counter. */
export interface LimitCounterSnapshot {
  readonly scope: string;
  readonly limit: ConfiguredLimitName;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** Settled use, in the metric's unit. */
  readonly used: number;
  /** Held by reservations in flight. */
  readonly reserved: number;
}

/** Counters whose window has not ended and blocks not yet lifted. */
export interface LimitStoreSnapshot {
  readonly counters: readonly LimitCounterSnapshot[];
  readonly blocks: readonly UpstreamBlock[];
}

/** Limits set at run time (`setLimits()`, `router.limits.set()`), to share with every process. */
export interface LimitSettingsWrite {
  readonly scope: string;
  /** `undefined` removes the scope's limits, in every process. */
  readonly limits: LimitSettings | undefined;
}

/** One scope's limits as last written to the store. */
export interface SharedLimitSettings extends LimitSettingsWrite {
  /** Grows with every write to the store (of any scope): a higher version is a later write. */
  readonly version: number;
}

/** `unavailable`: a shared store stopped answering in time; calls follow its failure policy meanwhile. */
export interface LimitStoreUnavailableEvent {
  /** Which store, e.g. `'redis'`. */
  readonly store: string;
  /** What the store does meanwhile: `'refuse'` calls, or count them `'allow-local'`ly. */
  readonly policy: string;
  /** Why, secrets removed (e.g. `timed out after 1000 ms`, a connection error's message). */
  readonly reason: string;
  /** When the store was found unavailable, ms since the epoch (wall clock). */
  readonly since: number;
}

/** `recovered`: a shared store answers again, after the operations held meanwhile were applied. */
export interface LimitStoreRecoveredEvent {
  readonly store: string;
  readonly policy: string;
  /** How long it was unavailable, ms. */
  readonly unavailableMs: number;
  /** Settles, releases and upstream blocks held while it was unavailable, applied now. */
  readonly replayed: number;
  /** Counters counted locally meanwhile (`'allow-local'`), added to the shared ones now. */
  readonly reconciled: number;
}

/** A change in a shared store's availability. */
export type LimitStoreAvailabilityEvent =
  | ({ readonly type: 'unavailable' } & LimitStoreUnavailableEvent)
  | ({ readonly type: 'recovered' } & LimitStoreRecoveredEvent);

/** A store may answer at once (memory) or later (a network store). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where limit counters live. The limiter decides which windows a call counts in and how large
 * they are; the store only keeps counts and applies each request atomically. Memory serves one
 * process (`createMemoryLimitStore()`); a shared store (Redis) serves many.
 *
 * Contract, for every implementation:
 * - `reserve` adds every amount as reserved when `used + reserved + amount <= size` holds for every
 *   window and no listed scope is blocked; otherwise it changes nothing and lists every limit
 *   without room.
 * - `settle` of a held reservation moves its amounts from reserved to `actual` used; of one whose
 *   lease expired, adds `actual` to the counters whose window has not ended; of one already settled
 *   or released, does nothing.
 * - `release` of a held reservation gives its reserved amounts back; otherwise does nothing.
 * - `block` keeps the later of an existing and a new block.
 * - Counters whose window ended, blocks that lifted and leases that expired are dropped, so the
 *   store's size depends on the live windows, not on how long it has run.
 * - `writeLimits` / `readLimits` (optional, together): the latest write of a scope wins, with a
 *   version higher than every earlier write's; a removal is kept as `limits: undefined`.
 */
export interface LimitStore {
  reserve(request: LimitReserveRequest): MaybePromise<LimitReserveResult>;
  settle(request: LimitSettleRequest): MaybePromise<void>;
  release(request: LimitReleaseRequest): MaybePromise<void>;
  block(request: LimitBlockRequest): MaybePromise<void>;
  /** Live counters and blocks, of `request.scopes` only when given. */
  read(request: LimitReadRequest): MaybePromise<LimitStoreSnapshot>;
  /**
   * A shared store reports here when it becomes unavailable and when it recovers (the router
   * emits them as `limit-store-unavailable` / `limit-store-recovered`). Returns the unsubscribe
   * function. A store that is always available (memory) leaves it out.
   */
  subscribe?(listener: (event: LimitStoreAvailabilityEvent) => void): () => void;
  /**
   * Keeps limits set at run time, so every limiter sharing the store applies them (each reads
   * them back with `readLimits()`). Returns the write's version (0 when it was held for later).
   */
  writeLimits?(request: LimitSettingsWrite): MaybePromise<number>;
  /** Every scope's limits as last written, removals included (`limits: undefined`). */
  readLimits?(): MaybePromise<readonly SharedLimitSettings[]>;
}
