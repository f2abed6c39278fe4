import { buildUsageReport } from './build-usage-report.ts';
import { queryUsageReport } from './query-usage-report.ts';
import type { UsageRecord } from './usage-record.ts';
import type { UsageReport, UsageReportMetrics, UsageReportOptions } from './usage-report.ts';
import type { UsageTracker } from './usage-tracker.ts';

/** Options of `attributeCosts()`. */
export interface CostAttributionOptions extends Pick<UsageReportOptions, 'from' | 'to' | 'filter'> {
  /** Who pays: the key (`keyId`: a BYOK key, `gateway:<id>` or `provider:<id>`) or the user. */
  readonly by: 'key' | 'user';
}

/** One payer's share. */
export interface CostAttributionRow extends UsageReportMetrics {
  /** The key id or user; `null` for calls without one. */
  readonly id: string | null;
  /** Fraction of the total cost, 0 to 1 (0 when the total is 0). */
  readonly share: number;
}

/** Who spent what, most expensive first. */
export interface CostAttribution {
  readonly by: 'key' | 'user';
  readonly from: number | null;
  readonly to: number | null;
  readonly rows: readonly CostAttributionRow[];
  readonly totals: UsageReportMetrics;
}

/**
 * The cost-attribution view: spend per key or per user, most expensive first, with each one's share
 * of the total. Built on `buildUsageReport`, so costs are summed exactly.
 *
 * @example
 * attributeCosts(await router.usage.query(), { by: 'key', from: startOfMonth });
 * // rows: [{ id: 'byok:acme', costUsd: 41.2, share: 0.83, ... }, { id: 'gateway:litellm', ... }]
 */
export function attributeCosts(
  records: Iterable<UsageRecord>,
  options: CostAttributionOptions,
): CostAttribution {
  return toAttribution(buildUsageReport(records, attributionReportOptions(options)), options.by);
}

/**
 * The same view from a tracker, through `queryUsageReport` (in SQL for a tracker with `report()`):
 * what `router.usage.attribute()` does.
 *
 * @example
 * await queryCostAttribution(tracker, { by: 'user', from: startOfMonth });
 */
export async function queryCostAttribution(
  tracker: Pick<UsageTracker, 'query' | 'report'>,
  options: CostAttributionOptions,
): Promise<CostAttribution> {
  return toAttribution(await queryUsageReport(tracker, attributionReportOptions(options)), options.by);
}

function attributionReportOptions(options: CostAttributionOptions): UsageReportOptions {
  return {
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.filter !== undefined ? { filter: options.filter } : {}),
    groupBy: [options.by],
  };
}

function toAttribution(report: UsageReport, by: 'key' | 'user'): CostAttribution {
  const total = report.totals.costUsd;
  const rows = report.rows
    .map(({ group, ...metrics }) => ({
      id: group[by] ?? null,
      ...metrics,
      share: total === 0 ? 0 : metrics.costUsd / total,
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
  return { by, from: report.from, to: report.to, rows, totals: report.totals };
}
