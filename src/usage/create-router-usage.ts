import type { ModelCatalog } from '../types/model-catalog.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { queryCheckedCostAttribution } from './attribute-costs.ts';
import { checkAttributionOptions, checkReportOptions } from './check-report-options.ts';
import { checkUsageQuery } from './check-usage-query.ts';
import { queryCheckedUsageReport } from './query-usage-report.ts';
import type { RouterUsage } from './router-usage.ts';

/**
 * `router.usage`: the tracker's records, reports and cost attribution. Every option is checked
 * before the tracker is asked (an `InvalidRequestError` naming the option), a savings line is
 * priced with `catalog` unless it names its own, and whatever records the tracker holds, a report
 * never throws on them (see `buildUsageReport`). Reports and attribution come from the tracker's
 * own `report()` when it has one (the PostgreSQL tracker computes them in SQL).
 */
export function createRouterUsage(tracker: UsageTracker, catalog: ModelCatalog): RouterUsage {
  return {
    tracker,
    query: async (query) => tracker.query(checkUsageQuery(query, 'query')),
    report: async (options = {}) => queryCheckedUsageReport(tracker, checkReportOptions(options, catalog)),
    attribute: async (options) => queryCheckedCostAttribution(tracker, checkAttributionOptions(options)),
  };
}
