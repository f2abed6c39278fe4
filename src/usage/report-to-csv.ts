import type { UsageReport, UsageReportMetrics } from './usage-report.ts';

// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"), plus the
// tab and carriage return some spreadsheets strip before looking.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field from untrusted text (user ids, tags, key ids). Text that starts with `=`, `+`, `-`,
 * `@`, tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as text rather
 * than running it as a formula; then, per RFC 4180, a field containing a quote, comma, CR or LF is
 * wrapped in double quotes with inner quotes doubled.
 *
 * @example
 * escapeCsvField('=HYPERLINK("x")'); // "'=HYPERLINK(""x"")"   (quoted: it contains quotes)
 */
export function escapeCsvField(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

const METRIC_COLUMNS = [
  'requests',
  'failures',
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'costUsd',
  'avgLatencyMs',
  'p95LatencyMs',
  'fallbacks',
] as const;

function metricCells(metrics: UsageReportMetrics): string[] {
  // Numbers are ours (never formulas); cost is the exact decimal, so a spreadsheet sums it exactly.
  return METRIC_COLUMNS.map((column) => {
    if (column === 'costUsd') return metrics.costUsdExact;
    const value = metrics[column];
    if (value === null) return '';
    return column === 'avgLatencyMs' ? String(Math.round(value * 1000) / 1000) : String(value);
  });
}

/**
 * The report as CSV (RFC 4180: comma-separated, CRLF line ends, a header row). The first column,
 * `row`, is `group` for each group and `total` for the last line (whose group cells are empty);
 * then one column per `groupBy` dimension, then the figures. An empty group cell means "no value"
 * (`null` in JSON). Cost is the exact nine-decimal USD amount; average latency is rounded to 0.001 ms.
 * The savings line is not part of the CSV; it is in `reportToJson()`.
 *
 * @example
 * writeFileSync('usage.csv', reportToCsv(buildUsageReport(records, { groupBy: ['user'] })));
 */
export function reportToCsv(report: UsageReport): string {
  const lines = [['row', ...report.groupBy, ...METRIC_COLUMNS].join(',')];
  for (const row of report.rows) {
    const groupCells = report.groupBy.map((key) => {
      const value = row.group[key];
      return value === null || value === undefined ? '' : escapeCsvField(value);
    });
    lines.push(['group', ...groupCells, ...metricCells(row)].join(','));
  }
  lines.push(['total', ...report.groupBy.map(() => ''), ...metricCells(report.totals)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
