import type { UsageReport } from './usage-report.ts';

/**
 * The report as JSON text: period, groupBy, rows, totals and the savings line when present. Missing
 * values are `null`; each cost appears as a number (`costUsd`) and as an exact decimal string
 * (`costUsdExact`) for consumers that must not round.
 *
 * @example
 * writeFileSync('usage.json', reportToJson(report));
 */
export function reportToJson(report: UsageReport, indent: number = 2): string {
  return JSON.stringify(report, null, indent);
}
