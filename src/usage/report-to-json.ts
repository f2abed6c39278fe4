import type { UsageReport } from '../types/usage-report.ts';
import { checkIndent, checkUsageReport } from './check-usage-report.ts';

/**
 * The report as JSON text: period, groupBy, rows, totals, `invalidRecords` and the savings line
 * when present. Missing values are `null`; each cost appears as a number (`costUsd`) and as an
 * exact decimal string (`costUsdExact`) for consumers that must not round. Only the report's own
 * fields are written.
 *
 * @throws InvalidRequestError naming the field at fault when `report` is not a report as
 * `buildUsageReport()` makes it, or `indent` when it is not a whole number from 0 to 10.
 *
 * @example
 * writeFileSync('usage.json', reportToJson(report));
 */
export function reportToJson(report: UsageReport, indent: number = 2): string {
  const spaces = checkIndent(indent);
  return JSON.stringify(checkUsageReport(report), null, spaces);
}
