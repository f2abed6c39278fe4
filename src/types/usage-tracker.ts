import type { UsageQuery, UsageRecord } from './usage-record.ts';
import type { UsageReport, UsageReportOptions } from './usage-report.ts';

/**
 * Where usage records go. The router calls `record()` exactly once per finished call; a tracker
 * that sees the same `id` twice must keep one record (retries of `record` are safe).
 * A tracker that throws or is slow never fails or delays a call: the router reports its errors as
 * `tracker-error` events.
 */
export interface UsageTracker {
  record(record: UsageRecord): void | Promise<void>;
  query(query?: UsageQuery): readonly UsageRecord[] | Promise<readonly UsageRecord[]>;
  /**
   * Optional: builds a report in the store itself (in SQL, say) instead of handing every record to
   * `buildUsageReport()`. When present, `router.usage.report()`, `router.usage.attribute()` and
   * `queryUsageReport()` call it, after checking the options themselves: it is given them as plain
   * data (`from`/`to` in ms, `groupBy` an array, `savings.catalog` set, the baseline by catalog id).
   * It must give what `buildUsageReport(await query(), options)` gives: the same rows, totals, p95,
   * `invalidRecords` and savings.
   */
  report?(options: UsageReportOptions): Promise<UsageReport>;
  /** Flushes anything buffered; called by `router.close()`. */
  close?(): void | Promise<void>;
}
