import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { checkSettings } from '../errors/check-settings.ts';
import type { LimitAmounts, LimitReservationEntry, LimitScopeCheck } from '../types/limit-store.ts';
import { buildLimitStatus } from './build-limit-status.ts';
import { calendarWindow } from './calendar-window.ts';
import { checkScopes } from './check-scopes.ts';
import { createHeadroomWaiters } from './headroom-waiters.ts';
import { bindingDenial, toLimitDenial } from './limit-denials.ts';
import { limitScopeSchema, limitSettingsSchema, rateLimiterSettingsSchema } from './limit-settings-schema.ts';
import { createLimitTable } from './limit-table.ts';
import { createMemoryLimitStore } from './memory-limit-store.ts';
import { toMicroUsdUp } from './micro-usd.ts';
import type {
  LimitEstimate,
  LimitRequest,
  RateLimiter,
  RateLimiterSettings,
  Reservation,
  ReserveResult,
} from './rate-limiter.ts';
import { createSharedLimitSync } from './shared-limit-sync.ts';
import { upstreamBlocks } from './upstream-blocks.ts';

const DEFAULT_RESERVATION_TIMEOUT_MS = 900_000;

const setLimitsSchema = z.strictObject({ scope: limitScopeSchema, limits: z.optional(limitSettingsSchema) });

// Hot path: plain checks, no zod. A bad estimate is a bug in the caller, and reserving 0 for it
// would let the call through every budget, so it throws.
function wholeAmount(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`estimate.${name}: expected a finite number, 0 or more; got ${String(value)}`);
  }
  return Math.ceil(value);
}

function checkEstimate(estimate: LimitEstimate): Required<LimitEstimate> {
  const costUsd = estimate.costUsd;
  if (typeof costUsd !== 'number' || !Number.isFinite(costUsd) || costUsd < 0) {
    throw new RangeError(
      `estimate.costUsd: expected a finite number of USD, 0 or more; got ${String(costUsd)}`,
    );
  }
  return {
    requests: wholeAmount(estimate.requests ?? 1, 'requests'),
    tokens: wholeAmount(estimate.tokens, 'tokens'),
    costUsd,
  };
}

// Settle runs after a call already succeeded: an unusable actual falls back to the estimate
// (conservative) rather than failing the call or counting nothing.
const actualOr = (value: number, estimate: number) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : estimate;

/**
 * Builds a `RateLimiter`: requests and tokens per minute and day, and USD budgets per day and
 * month, for any number of scopes (`provider:openai`, `key:<keyId>`, `user:<userId>`, `user:*`).
 * Windows are fixed calendar windows: the wall-clock minute, day and month in `timeZone`.
 * Settings are checked here; a bad one throws `InvalidSettingsError` naming it.
 *
 * @example
 * const limiter = createRateLimiter({
 *   clock,
 *   limits: { 'provider:openai': { requestsPerMinute: 500 }, 'user:*': { budgetUsdPerDay: 2 } },
 * });
 * const result = await limiter.reserve({
 *   scopes: ['provider:openai', 'user:alice'],
 *   estimate: { tokens: 1_200, costUsd: 0.004 },
 * });
 * if (!result.granted) throw new LimitExceededError(result.denial);
 * try {
 *   const answer = await send();
 *   await limiter.settle(result.reservation, { tokens: answer.tokens, costUsd: answer.costUsd });
 * } catch (error) {
 *   await limiter.release(result.reservation);
 *   throw error;
 * }
 */
export function createRateLimiter(settings: RateLimiterSettings): RateLimiter {
  checkSettings(rateLimiterSettingsSchema, settings, 'createRateLimiter()');
  const { clock } = settings;
  const store = settings.store ?? createMemoryLimitStore();
  const utcOffsetMinutes =
    settings.timeZone === undefined || settings.timeZone === 'UTC' ? 0 : settings.timeZone;
  const leaseMs = settings.reservationTimeoutMs ?? DEFAULT_RESERVATION_TIMEOUT_MS;
  const table = createLimitTable(settings.limits);
  const shared = createSharedLimitSync(settings.store, table, clock);
  const waiters = createHeadroomWaiters(clock);
  // Keyed by the caller's object, so a second settle or release is a no-op without unbounded state.
  const finished = new WeakSet<Reservation>();

  function scopeChecks(scopes: readonly string[], amounts: LimitAmounts, nowMs: number): LimitScopeCheck[] {
    return scopes.map((scope) => ({
      scope,
      amounts,
      windows: table.resolve(scope).map(({ limit, metric, period, size }) => {
        const window = calendarWindow(period, nowMs, utcOffsetMinutes);
        return { limit, metric, windowStartMs: window.startMs, windowEndMs: window.endMs, size };
      }),
    }));
  }

  async function tryReserve(request: LimitRequest): Promise<ReserveResult> {
    const estimate = checkEstimate(request.estimate);
    await shared.refresh();
    const nowMs = clock.now();
    const scopes = [...new Set(request.scopes)];
    const amounts: LimitAmounts = {
      requests: estimate.requests,
      tokens: estimate.tokens,
      costMicroUsd: toMicroUsdUp(estimate.costUsd),
    };
    const checks = scopeChecks(scopes, amounts, nowMs);
    const id = randomUUID();
    const expiresAt = nowMs + leaseMs;
    const result = await store.reserve({ reservationId: id, nowMs, expiresAtMs: expiresAt, scopes: checks });
    if (!result.granted) {
      const denials = result.denials.map((denial) => toLimitDenial(denial, nowMs));
      return { granted: false, denial: bindingDenial(denials), denials };
    }
    const entries: LimitReservationEntry[] = checks.flatMap((check) =>
      check.windows.map((window) => ({
        scope: check.scope,
        limit: window.limit,
        metric: window.metric,
        windowStartMs: window.windowStartMs,
        windowEndMs: window.windowEndMs,
        amount: amounts[window.metric],
      })),
    );
    const reservation: Reservation = Object.freeze({
      id,
      scopes,
      estimate,
      reservedAt: nowMs,
      expiresAt,
      entries,
    });
    return { granted: true, reservation };
  }

  return {
    async reserve(request, options = {}) {
      const { waitUntil, signal } = options;
      if (signal?.aborted) throw signal.reason;
      for (;;) {
        const result = await tryReserve(request);
        if (result.granted || waitUntil === undefined) return result;
        const waitable = result.denials.every((denial) => denial.kind === 'rate' && !denial.tooLarge);
        const leftMs = waitUntil - clock.now();
        if (!waitable || leftMs <= 0) return result;
        await waiters.wait(Math.min(result.denial.retryAfterMs, leftMs), signal);
      }
    },

    async settle(reservation, actual) {
      if (finished.has(reservation)) return;
      finished.add(reservation);
      const { estimate } = reservation;
      await store.settle({
        reservationId: reservation.id,
        nowMs: clock.now(),
        expiresAtMs: reservation.expiresAt,
        entries: reservation.entries,
        actual: {
          requests: estimate.requests,
          tokens: Math.ceil(actualOr(actual.tokens, estimate.tokens)),
          costMicroUsd: toMicroUsdUp(actualOr(actual.costUsd, estimate.costUsd)),
        },
      });
      waiters.notify();
    },

    async release(reservation) {
      if (finished.has(reservation)) return;
      finished.add(reservation);
      await store.release({ reservationId: reservation.id, nowMs: clock.now() });
      waiters.notify();
    },

    async status(only) {
      await shared.refresh();
      const nowMs = clock.now();
      const wanted = only === undefined ? undefined : [...new Set(checkScopes(only, 'status()'))];
      const snapshot = await store.read(wanted ? { nowMs, scopes: wanted } : { nowMs });
      let scopes = wanted;
      if (!scopes) {
        const all = new Set(table.scopes());
        for (const counter of snapshot.counters) all.add(counter.scope);
        for (const block of snapshot.blocks) all.add(block.scope);
        scopes = [...all].sort();
      }
      return buildLimitStatus({ table, snapshot, scopes, nowMs, utcOffsetMinutes });
    },

    async headroom(scopes) {
      const nowMs = clock.now();
      const unique = [...new Set(checkScopes(scopes, 'headroom()'))];
      const snapshot = await store.read({ nowMs, scopes: unique });
      let share = 1;
      for (const status of buildLimitStatus({ table, snapshot, scopes: unique, nowMs, utcOffsetMinutes })) {
        share = Math.min(share, status.size > 0 ? status.remaining / status.size : 0);
      }
      return share;
    },

    setLimits(scope, limits) {
      const checked = checkSettings(setLimitsSchema, { scope, limits }, 'setLimits()');
      table.set(checked.scope, checked.limits);
      shared.publish(checked.scope, checked.limits);
      waiters.notify();
    },

    limitsOf: (scope) => table.settingsOf(scope),

    async applyUpstreamSignal(scope, signal) {
      const nowMs = clock.now();
      for (const block of upstreamBlocks(scope, signal, nowMs)) await store.block({ ...block, nowMs });
    },
  };
}
