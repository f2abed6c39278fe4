import type { ModelCatalog } from '../types/model-catalog.ts';
import type { UsageQuery, UsageRecord } from '../types/usage-record.ts';
import type { UsageReport, UsageReportOptions } from '../types/usage-report.ts';
import type { SavingsBaseline } from '../types/usage-savings.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import type { CostAttribution, CostAttributionOptions } from './attribute-costs.ts';

/** Options of `router.usage.report()`: a savings line needs only its baseline here. */
export interface RouterUsageReportOptions extends Omit<UsageReportOptions, 'savings'> {
  /** Adds a savings line; prices come from the router's catalog unless you pass another. */
  readonly savings?: { readonly baseline: SavingsBaseline; readonly catalog?: ModelCatalog };
}

/** Usage records of this router, and reports over them. */
export interface RouterUsage {
  /** The tracker records go to (the in-memory default unless you passed one). */
  readonly tracker: UsageTracker;
  query(query?: UsageQuery): Promise<readonly UsageRecord[]>;
  /**
   * Rows grouped by any of user, key, provider, model, gateway, tag and day, with totals and an
   * optional savings line. Export with `reportToCsv()` / `reportToJson()`.
   */
  report(options?: RouterUsageReportOptions): Promise<UsageReport>;
  /** Spend per key or per user, most expensive first, with each one's share. */
  attribute(options: CostAttributionOptions): Promise<CostAttribution>;
}
