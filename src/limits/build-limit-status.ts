import { defineLimit, UPSTREAM_LIMIT_NAMES } from '../types/limit-names.ts';
import type { LimitStoreSnapshot } from '../types/limit-store.ts';
import { calendarWindow } from './calendar-window.ts';
import type { LimitTable } from './limit-table.ts';
import { fromMicroUsd } from './micro-usd.ts';
import type { LimitStatus } from './rate-limiter.ts';

/** What `buildLimitStatus` reads. */
export interface LimitStatusInput {
  readonly table: LimitTable;
  readonly snapshot: LimitStoreSnapshot;
  /** The scopes to report, in order. */
  readonly scopes: readonly string[];
  readonly nowMs: number;
  readonly utcOffsetMinutes: number;
}

/**
 * One `LimitStatus` per limit that applies to each scope, in its current window (zero use when the
 * store has no counter for it yet), then one per live upstream block. Sizes come from the table,
 * so a limit changed at run time is reported with its new size.
 */
export function buildLimitStatus(input: LimitStatusInput): LimitStatus[] {
  const { table, snapshot, nowMs } = input;
  const counters = new Map<string, { used: number; reserved: number }>();
  for (const counter of snapshot.counters) {
    counters.set(`${counter.scope}\n${counter.limit}\n${counter.windowStartMs}`, counter);
  }
  const statuses: LimitStatus[] = [];
  for (const scope of input.scopes) {
    for (const { limit, metric, period, size } of table.resolve(scope)) {
      const window = calendarWindow(period, nowMs, input.utcOffsetMinutes);
      const counter = counters.get(`${scope}\n${limit}\n${window.startMs}`);
      const used = counter?.used ?? 0;
      const reserved = counter?.reserved ?? 0;
      const toUnit = metric === 'costMicroUsd' ? fromMicroUsd : (amount: number) => amount;
      const { kind, unit } = defineLimit(limit);
      statuses.push({
        scope,
        limit,
        kind,
        unit,
        size: toUnit(size),
        used: toUnit(used),
        reserved: toUnit(reserved),
        remaining: toUnit(Math.max(0, size - used - reserved)),
        resetsAt: window.endMs,
      });
    }
    for (const limit of UPSTREAM_LIMIT_NAMES) {
      const block = snapshot.blocks.find(
        (candidate) => candidate.scope === scope && candidate.limit === limit,
      );
      if (!block || block.untilMs <= nowMs) continue;
      const { kind, unit } = defineLimit(limit);
      statuses.push({
        scope,
        limit,
        kind,
        unit,
        size: 0,
        used: 0,
        reserved: 0,
        remaining: 0,
        resetsAt: block.untilMs,
      });
    }
  }
  return statuses;
}
