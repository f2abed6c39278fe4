import { buildUsageReport } from './build-usage-report.ts';
import type { UsageReport, UsageReportOptions } from './usage-report.ts';
import { usageReportQuery } from './usage-report-query.ts';
import type { UsageTracker } from './usage-tracker.ts';

/**
 * Builds a report from a tracker: asks it for the records of the report's period and filter (so a
 * store such as SQLite narrows in its own index), then groups them with `buildUsageReport`. This is
 * what `router.usage.report()` does.
 *
 * @example
 * const report = await queryUsageReport(tracker, { from: startOfMonth, groupBy: ['key'] });
 */
export async function queryUsageReport(
  tracker: Pick<UsageTracker, 'query'>,
  options: UsageReportOptions = {},
): Promise<UsageReport> {
  const records = await tracker.query(usageReportQuery(options));
  return buildUsageReport(records, options);
}
