import { buildUsageReport } from './build-usage-report.ts';
import type { UsageReport, UsageReportOptions } from './usage-report.ts';
import { usageReportQuery } from './usage-report-query.ts';
import type { UsageTracker } from './usage-tracker.ts';

/**
 * Builds a report from a tracker. A tracker with its own `report()` (the PostgreSQL one computes
 * reports in SQL) is asked for it; otherwise the tracker is asked for the records of the report's
 * period and filter (so a store such as SQLite narrows in its own index), then they are grouped
 * with `buildUsageReport`. This is what `router.usage.report()` does.
 *
 * @example
 * const report = await queryUsageReport(tracker, { from: startOfMonth, groupBy: ['key'] });
 */
export async function queryUsageReport(
  tracker: Pick<UsageTracker, 'query' | 'report'>,
  options: UsageReportOptions = {},
): Promise<UsageReport> {
  if (typeof tracker.report === 'function') return tracker.report(options);
  const records = await tracker.query(usageReportQuery(options));
  return buildUsageReport(records, options);
}
