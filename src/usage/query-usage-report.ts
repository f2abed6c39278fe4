import type { UsageReport, UsageReportOptions } from '../types/usage-report.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { summarizeUsage } from './build-usage-report.ts';
import {
  type CheckedReportOptions,
  checkRecords,
  checkReportOptions,
  toReportOptions,
} from './check-report-options.ts';
import type { CheckedUsageQuery } from './check-usage-query.ts';
import { guardRead, optionError } from './read-options.ts';

/** What a report reads from a tracker: its records, and its own `report()` when it has one. */
export type ReportingTracker = Pick<UsageTracker, 'query' | 'report'>;

/**
 * Checks that `tracker` has a `query()` method (and a `report()` method or none).
 * @throws InvalidRequestError naming `tracker` otherwise.
 */
export function checkTracker(tracker: unknown): ReportingTracker {
  const ok = guardRead('tracker', () => {
    if (typeof tracker !== 'object' || tracker === null) return false;
    const { query, report } = tracker as { query?: unknown; report?: unknown };
    return typeof query === 'function' && (report === undefined || typeof report === 'function');
  });
  if (!ok) throw optionError('tracker', 'a UsageTracker (an object with query())', tracker);
  return tracker as ReportingTracker;
}

/**
 * The records of one checked query, from the tracker. A tracker may answer with anything: what is
 * not an iterable is refused with an error naming `tracker`; each record is checked by the report.
 */
export async function queryRecords(
  tracker: Pick<UsageTracker, 'query'>,
  query: CheckedUsageQuery,
): Promise<Iterable<unknown>> {
  const records: unknown = await tracker.query(query);
  return checkRecords(records, 'tracker', 'query() to answer an array of usage records');
}

/**
 * The report of options already checked. A tracker with its own `report()` (the PostgreSQL one
 * computes reports in SQL) is asked for it, with the checked options in plain form (times in ms,
 * `savings.catalog` always set); otherwise the report is summed over what `query()` returns.
 * @throws InvalidRequestError naming `tracker` when its `report()` answers something that is not
 * an object.
 */
export async function queryCheckedUsageReport(
  tracker: ReportingTracker,
  options: CheckedReportOptions,
): Promise<UsageReport> {
  if (typeof tracker.report === 'function') {
    const report: unknown = await tracker.report(toReportOptions(options));
    if (typeof report !== 'object' || report === null) {
      throw optionError('tracker', 'report() to answer a usage report', report);
    }
    return report as UsageReport;
  }
  return summarizeUsage(await queryRecords(tracker, options.query), options);
}

/**
 * Builds a report from a tracker. Options are checked before the tracker is asked. A tracker with
 * its own `report()` (the PostgreSQL one computes reports in SQL) is asked for it; otherwise the
 * tracker is asked for the records of the report's period and filter (so a store such as SQLite
 * narrows in its own index), then they are grouped as `buildUsageReport` does. This is what
 * `router.usage.report()` does.
 *
 * @throws InvalidRequestError naming the option at fault (as `buildUsageReport`), or `tracker` when
 * it has no `query()` or its answer is not an array of records.
 *
 * @example
 * const report = await queryUsageReport(tracker, { from: startOfMonth, groupBy: ['key'] });
 */
export async function queryUsageReport(
  tracker: ReportingTracker,
  options: UsageReportOptions = {},
): Promise<UsageReport> {
  const checkedTracker = checkTracker(tracker);
  return queryCheckedUsageReport(checkedTracker, checkReportOptions(options));
}
