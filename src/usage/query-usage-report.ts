import { summarizeUsage } from './build-usage-report.ts';
import { type CheckedReportOptions, checkRecords, checkReportOptions } from './check-report-options.ts';
import type { CheckedUsageQuery } from './check-usage-query.ts';
import { guardRead, optionError } from './read-options.ts';
import type { UsageReport, UsageReportOptions } from './usage-report.ts';
import type { UsageTracker } from './usage-tracker.ts';

/**
 * Checks that `tracker` has a `query()` method.
 * @throws InvalidRequestError naming `tracker` otherwise.
 */
export function checkTracker(tracker: unknown): Pick<UsageTracker, 'query'> {
  const ok = guardRead(
    'tracker',
    () =>
      typeof tracker === 'object' &&
      tracker !== null &&
      typeof (tracker as { query?: unknown }).query === 'function',
  );
  if (!ok) throw optionError('tracker', 'a UsageTracker (an object with query())', tracker);
  return tracker as Pick<UsageTracker, 'query'>;
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

/** The report of options already checked, over what the tracker returns for them. */
export async function queryCheckedUsageReport(
  tracker: Pick<UsageTracker, 'query'>,
  options: CheckedReportOptions,
): Promise<UsageReport> {
  return summarizeUsage(await queryRecords(tracker, options.query), options);
}

/**
 * Builds a report from a tracker: asks it for the records of the report's period and filter (so a
 * store such as SQLite narrows in its own index), then groups them as `buildUsageReport` does.
 * This is what `router.usage.report()` does. Options are checked before the tracker is asked.
 *
 * @throws InvalidRequestError naming the option at fault (as `buildUsageReport`), or `tracker` when
 * it has no `query()` or its answer is not an array of records.
 *
 * @example
 * const report = await queryUsageReport(tracker, { from: startOfMonth, groupBy: ['key'] });
 */
export async function queryUsageReport(
  tracker: Pick<UsageTracker, 'query'>,
  options: UsageReportOptions = {},
): Promise<UsageReport> {
  const checkedTracker = checkTracker(tracker);
  return queryCheckedUsageReport(checkedTracker, checkReportOptions(options));
}
