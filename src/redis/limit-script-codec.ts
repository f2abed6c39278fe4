import type { ConfiguredLimitName, LimitMetric, UpstreamLimitName } from '../types/limit-names.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import type {
  LimitBlockRequest,
  LimitCounterSnapshot,
  LimitReadRequest,
  LimitReserveRequest,
  LimitReserveResult,
  LimitSettingsWrite,
  LimitSettleRequest,
  LimitStoreDenial,
  LimitStoreSnapshot,
  SharedLimitSettings,
  UpstreamBlock,
} from '../types/limit-store.ts';

// The scripts' arguments and replies (see limit-scripts.ts). Every number crosses as an integer
// string: amounts are whole units already, and ceil keeps a stray fraction from failing HINCRBY.

const METRIC_INDEX: Readonly<Record<LimitMetric, string>> = { requests: '1', tokens: '2', costMicroUsd: '3' };

const int = (value: number) => String(Math.ceil(value));

/** One counter's shared totals after a reservation: what a local fallback starts from. */
export interface CounterTotals {
  readonly scope: string;
  readonly limit: ConfiguredLimitName;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly used: number;
  readonly reserved: number;
}

export function reserveArgs(prefix: string, request: LimitReserveRequest): string[] {
  const args = [
    prefix,
    int(request.nowMs),
    request.reservationId,
    int(request.expiresAtMs),
    String(request.scopes.length),
  ];
  for (const check of request.scopes) {
    const { amounts } = check;
    args.push(
      check.scope,
      int(amounts.requests),
      int(amounts.tokens),
      int(amounts.costMicroUsd),
      String(check.windows.length),
    );
    for (const window of check.windows) {
      args.push(
        window.limit,
        METRIC_INDEX[window.metric],
        int(window.windowStartMs),
        int(window.windowEndMs),
        int(window.size),
      );
    }
  }
  return args;
}

function list(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError(`unexpected reply from the limit script: ${typeof reply}`);
  return reply;
}

/** The reservation's outcome, and on a grant the totals of every counter it added to. */
export function readReserveReply(
  reply: unknown,
  request: LimitReserveRequest,
): { result: LimitReserveResult; totals: CounterTotals[]; epoch: string } {
  const values = list(reply);
  if (Number(values[0]) === 0) {
    const denials: LimitStoreDenial[] = [];
    for (let index = 1; index + 6 < values.length; index += 7) {
      denials.push({
        scope: String(values[index]),
        limit: String(values[index + 1]) as ConfiguredLimitName | UpstreamLimitName,
        used: Number(values[index + 2]),
        reserved: Number(values[index + 3]),
        size: Number(values[index + 4]),
        requested: Number(values[index + 5]),
        untilMs: Number(values[index + 6]),
      });
    }
    return { result: { granted: false, denials }, totals: [], epoch: '' };
  }
  const totals: CounterTotals[] = [];
  let index = 2;
  for (const check of request.scopes) {
    for (const window of check.windows) {
      totals.push({
        scope: check.scope,
        limit: window.limit,
        windowStartMs: window.windowStartMs,
        windowEndMs: window.windowEndMs,
        used: Number(values[index]),
        reserved: Number(values[index + 1]),
      });
      index += 2;
    }
  }
  return { result: { granted: true }, totals, epoch: String(values[1]) };
}

export function settleArgs(prefix: string, request: LimitSettleRequest, epoch: string): string[] {
  const { actual } = request;
  return [
    prefix,
    int(request.nowMs),
    request.reservationId,
    int(actual.requests),
    int(actual.tokens),
    int(actual.costMicroUsd),
    epoch,
  ];
}

/** A settle whose record the server lost: what the call used, per counter it reserved in. */
export function settleUses(request: LimitSettleRequest): CounterUse[] {
  return request.entries.map((entry) => ({
    scope: entry.scope,
    limit: entry.limit,
    windowStartMs: entry.windowStartMs,
    windowEndMs: entry.windowEndMs,
    used: request.actual[entry.metric],
  }));
}

export function blockArgs(prefix: string, request: LimitBlockRequest): string[] {
  return [prefix, int(request.nowMs), request.scope, request.limit, int(request.untilMs)];
}

export function readArgs(prefix: string, request: LimitReadRequest): string[] {
  const scopes = request.scopes ?? [];
  // An empty list asks for nothing, unlike no list (every scope): answered without a round trip.
  return [prefix, int(request.nowMs), String(scopes.length), ...scopes];
}

export function readReadReply(reply: unknown): LimitStoreSnapshot {
  const [rawCounters, rawBlocks] = list(reply);
  const flatCounters = list(rawCounters ?? []);
  const flatBlocks = list(rawBlocks ?? []);
  const counters: LimitCounterSnapshot[] = [];
  for (let index = 0; index + 5 < flatCounters.length; index += 6) {
    counters.push({
      scope: String(flatCounters[index]),
      limit: String(flatCounters[index + 1]) as ConfiguredLimitName,
      windowStartMs: Number(flatCounters[index + 2]),
      windowEndMs: Number(flatCounters[index + 3]),
      used: Number(flatCounters[index + 4]),
      reserved: Number(flatCounters[index + 5]),
    });
  }
  const blocks: UpstreamBlock[] = [];
  for (let index = 0; index + 2 < flatBlocks.length; index += 3) {
    blocks.push({
      scope: String(flatBlocks[index]),
      limit: String(flatBlocks[index + 1]) as UpstreamLimitName,
      untilMs: Number(flatBlocks[index + 2]),
    });
  }
  return { counters, blocks };
}

/** Use counted locally while the store was unavailable, to add to one shared counter. */
export interface CounterUse {
  readonly scope: string;
  readonly limit: ConfiguredLimitName;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly used: number;
}

export function reconcileArgs(
  prefix: string,
  nowMs: number,
  flushId: string,
  uses: readonly CounterUse[],
): string[] {
  const args = [prefix, int(nowMs), flushId, String(uses.length)];
  for (const use of uses) {
    args.push(use.scope, use.limit, int(use.windowStartMs), int(use.windowEndMs), int(use.used));
  }
  return args;
}

export function writeLimitsArgs(prefix: string, nowMs: number, request: LimitSettingsWrite): string[] {
  return [prefix, int(nowMs), request.scope, request.limits ? JSON.stringify(request.limits) : ''];
}

/** Every scope's last write. The settings are as stored: the limiter checks them before use. */
export function readLimitsReply(reply: unknown): SharedLimitSettings[] {
  const values = list(reply);
  const shared: SharedLimitSettings[] = [];
  for (let index = 0; index + 1 < values.length; index += 2) {
    try {
      const { v, l } = JSON.parse(String(values[index + 1])) as { v: unknown; l: unknown };
      const limits = typeof l === 'string' && l !== '' ? (JSON.parse(l) as LimitSettings) : undefined;
      shared.push({ scope: String(values[index]), limits, version: Number(v) });
    } catch {
      // Not written by this store (or by a future version of it): ignored, not fatal.
    }
  }
  return shared;
}
