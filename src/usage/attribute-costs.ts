import type { UsageRecord } from '../types/usage-record.ts';
import type { UsageReport, UsageReportMetrics, UsageReportOptions } from '../types/usage-report.ts';
import { summarizeUsage } from './build-usage-report.ts';
import {
  type CheckedAttributionOptions,
  checkAttributionOptions,
  checkRecords,
} from './check-report-options.ts';
import { queryCheckedUsageReport, type ReportingTracker } from './query-usage-report.ts';

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
  /** Records left out because no report can trust them (see `UsageReport.invalidRecords`). */
  readonly invalidRecords: number;
}

/**
 * The cost-attribution view: spend per key or per user, most expensive first, with each one's share
 * of the total. Built on `buildUsageReport`, so costs are summed exactly and records no report can
 * trust are left out and counted in `invalidRecords`.
 *
 * @throws InvalidRequestError naming the option at fault (`by` missing or not `'key'`/`'user'`,
 * an invalid time or filter, an unknown option) or `records` when they are not iterable.
 *
 * @example
 * attributeCosts(await router.usage.query(), { by: 'key', from: startOfMonth });
 * // rows: [{ id: 'byok:acme', costUsd: 41.2, share: 0.83, ... }, { id: 'gateway:litellm', ... }]
 */
export function attributeCosts(
  records: Iterable<UsageRecord>,
  options: CostAttributionOptions,
): CostAttribution {
  const values = checkRecords(records, 'records');
  return attributeCheckedCosts(values, checkAttributionOptions(options));
}

/** `attributeCosts` over records as a tracker returned them and options already checked. */
export function attributeCheckedCosts(
  records: Iterable<unknown>,
  options: CheckedAttributionOptions,
): CostAttribution {
  const { by, query } = options;
  return toAttribution(summarizeUsage(records, { groupBy: [by], query, savings: undefined }), by);
}

/**
 * The same view from a tracker, options already checked: through the tracker's own `report()` when
 * it has one (in SQL for PostgreSQL), else over what its `query()` returns. What
 * `router.usage.attribute()` does.
 */
export async function queryCheckedCostAttribution(
  tracker: ReportingTracker,
  options: CheckedAttributionOptions,
): Promise<CostAttribution> {
  const { by, query } = options;
  return toAttribution(
    await queryCheckedUsageReport(tracker, { groupBy: [by], query, savings: undefined }),
    by,
  );
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
  return {
    by,
    from: report.from,
    to: report.to,
    rows,
    totals: report.totals,
    invalidRecords: report.invalidRecords,
  };
}
