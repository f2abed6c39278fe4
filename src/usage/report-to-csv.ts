import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { UsageReport, UsageReportMetrics } from '../types/usage-report.ts';
import { checkUsageReport } from './check-usage-report.ts';
import { describeValue } from './describe-value.ts';

// CSV injection (OWASP): a spreadsheet runs a cell as a formula when it starts with = + - or @, and
// some skip what comes before: blanks of any script, control characters (tab, CR, LF, NUL) and
// invisible format characters (zero-width space, byte order mark, bidi marks), or fold full-width
// and small forms (＝ ＋ － ＠ ﹦ ⁼) to ASCII. So: skip all of those, fold the first character
// (NFKC), and look again; dashes and the minus sign (− ‐ –), which do not fold, count as minus.
const LEADING_IGNORABLE = /^[\s\p{Cc}\p{Cf}\u115f\u1160\u2800\u3164\uffa0]+/u;
const FORMULA_START = /^[=+\-@\p{Pd}\u2212]/u;
const LEADING_CONTROL = /^\p{Cc}/u;
const NEEDS_QUOTES = /[",\r\n]/;

/** Whether a spreadsheet could read `text` as a formula (or it starts with a control character). */
function couldRunAsFormula(text: string): boolean {
  if (text === '') return false;
  const first = text.charCodeAt(0);
  // Fast path: a letter or digit first is never a formula.
  if ((first >= 0x30 && first <= 0x39) || ((first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a)) return false;
  if (LEADING_CONTROL.test(text)) return true;
  const rest = text.replace(LEADING_IGNORABLE, '');
  const codePoint = rest.codePointAt(0);
  if (codePoint === undefined) return false;
  return FORMULA_START.test(String.fromCodePoint(codePoint).normalize('NFKC'));
}

/**
 * One CSV field from untrusted text (user ids, tags, key ids). Text a spreadsheet could run as a
 * formula gets a leading apostrophe, so it shows as text: text that starts with a control
 * character (tab, CR, LF, NUL, …), or whose first character after any blanks, control and
 * invisible format characters is `=`, `+`, `-`, `@`, a dash or minus sign, or a full-width or small
 * form of one (`＝`, `＋`, `－`, `＠`, `﹦`, …). Then, per RFC 4180, a field containing a quote,
 * comma, CR or LF is wrapped in double quotes with inner quotes doubled.
 *
 * @throws InvalidRequestError naming `text` when it is not a string.
 *
 * @example
 * escapeCsvField('=HYPERLINK("x")'); // "'=HYPERLINK(""x"")"   (quoted: it contains quotes)
 * escapeCsvField(' ＝1+1');          // "' ＝1+1"
 */
export function escapeCsvField(text: string): string {
  if (typeof text !== 'string') {
    throw new InvalidRequestError({ option: 'text', message: `expected text; got ${describeValue(text)}.` });
  }
  const guarded = couldRunAsFormula(text) ? `'${text}` : text;
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
 * The savings line and `invalidRecords` are not part of the CSV; they are in `reportToJson()`.
 * Group cells are escaped with `escapeCsvField` (formula guard); figures are checked to be finite,
 * not negative numbers, so no cell a spreadsheet could run is left unguarded.
 *
 * @throws InvalidRequestError naming the field at fault when `report` is not a report as
 * `buildUsageReport()` makes it.
 *
 * @example
 * writeFileSync('usage.csv', reportToCsv(buildUsageReport(records, { groupBy: ['user'] })));
 */
export function reportToCsv(report: UsageReport): string {
  const checked = checkUsageReport(report);
  const lines = [['row', ...checked.groupBy, ...METRIC_COLUMNS].join(',')];
  for (const row of checked.rows) {
    const groupCells = checked.groupBy.map((key) => {
      const value = row.group[key];
      return value === null || value === undefined ? '' : escapeCsvField(value);
    });
    lines.push(['group', ...groupCells, ...metricCells(row)].join(','));
  }
  lines.push(['total', ...checked.groupBy.map(() => ''), ...metricCells(checked.totals)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}
