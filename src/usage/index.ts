/**
 * `@bestviable/llm-router/usage`: usage trackers (memory, SQLite), reports over usage records
 * (build, query, CSV, JSON, savings, cost attribution) and exact money helpers. The `UsageTracker`
 * interface, `UsageRecord` and the report types are exported by the root entry.
 * @packageDocumentation
 */

export { USAGE_GROUP_KEYS } from '../types/usage-report.ts';
export { attributeCosts } from './attribute-costs.ts';
export { buildUsageReport } from './build-usage-report.ts';
export { computeSavings } from './compute-savings.ts';
export { MAX_REPORTED_COST_USD, MAX_REPORTED_TOKENS } from './figure-ranges.ts';
export {
  createMemoryUsageTracker,
  type MemoryUsageTracker,
  type MemoryUsageTrackerSettings,
} from './memory-usage-tracker.ts';
export { type MoneySum, NANO_USD_PER_USD, nanoUsdToUsd, usdToNanoUsd } from './money-sum.ts';
export { queryUsageReport } from './query-usage-report.ts';
export { USAGE_RECORD_BOUNDS } from './read-usage-record.ts';
export { reportToCsv } from './report-to-csv.ts';
export { reportToJson } from './report-to-json.ts';
export {
  createSqliteUsageTracker,
  type SqliteUsageTracker,
  type SqliteUsageTrackerSettings,
} from './sqlite-usage-tracker.ts';
