import type { ModelCatalog } from '../catalog/model-catalog.ts';
import type { RouterUsage } from '../router/router.ts';
import { attributeCheckedCosts } from './attribute-costs.ts';
import { checkAttributionOptions, checkReportOptions } from './check-report-options.ts';
import { checkUsageQuery } from './check-usage-query.ts';
import { queryCheckedUsageReport, queryRecords } from './query-usage-report.ts';
import type { UsageTracker } from './usage-tracker.ts';

/**
 * `router.usage`: the tracker's records, reports and cost attribution. Every option is checked
 * before the tracker is asked (an `InvalidRequestError` naming the option), a savings line is
 * priced with `catalog` unless it names its own, and whatever records the tracker holds, a report
 * never throws on them (see `buildUsageReport`).
 */
export function createRouterUsage(tracker: UsageTracker, catalog: ModelCatalog): RouterUsage {
  return {
    tracker,
    query: async (query) => tracker.query(checkUsageQuery(query, 'query')),
    report: async (options = {}) => queryCheckedUsageReport(tracker, checkReportOptions(options, catalog)),
    attribute: async (options) => {
      const checked = checkAttributionOptions(options);
      return attributeCheckedCosts(await queryRecords(tracker, checked.query), checked);
    },
  };
}
