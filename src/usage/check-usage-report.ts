import type { GatewayId } from '../types/model.ts';
import type {
  UsageGroupKey,
  UsageReport,
  UsageReportMetrics,
  UsageReportRow,
} from '../types/usage-report.ts';
import type { UsageSavings } from '../types/usage-savings.ts';
import { checkGroupBy } from './check-report-options.ts';
import { guardRead, isRecordLike, optionError, readArray, readOption } from './read-options.ts';

// The exports check what they are given field by field and copy only the report's own fields, so a
// hand-made or altered report cannot put a formula, NaN or a cyclic value into CSV or JSON.

const EXACT_USD = /^\d{1,30}\.\d{9}$/;
const SIGNED_EXACT_USD = /^-?\d{1,30}\.\d{9}$/;
const GATEWAYS: readonly unknown[] = ['litellm', 'openrouter', 'direct'] satisfies GatewayId[];
const MAX_ROWS = 10_000_000;

function read(object: object, key: string, prefix: string): unknown {
  return readOption(object, key, `${prefix}.${key}`);
}

function count(object: object, key: string, prefix: string): number {
  const value = read(object, key, prefix);
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw optionError(`${prefix}.${key}`, 'a whole number, 0 or more', value);
  }
  return value as number;
}

function amount(object: object, key: string, prefix: string, signed = false): number {
  const value = read(object, key, prefix);
  if (typeof value !== 'number' || !Number.isFinite(value) || (!signed && value < 0)) {
    throw optionError(`${prefix}.${key}`, signed ? 'a finite number' : 'a finite number, 0 or more', value);
  }
  return value;
}

function exact(object: object, key: string, prefix: string, signed = false): string {
  const value = read(object, key, prefix);
  if (typeof value !== 'string' || !(signed ? SIGNED_EXACT_USD : EXACT_USD).test(value)) {
    throw optionError(
      `${prefix}.${key}`,
      'an exact USD amount with nine decimals, such as "0.012345678"',
      value,
    );
  }
  return value;
}

function latency(object: object, key: string, prefix: string): number | null {
  const value = read(object, key, prefix);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw optionError(`${prefix}.${key}`, 'a finite number of ms, 0 or more, or null', value);
  }
  return value;
}

function time(object: object, key: string, prefix: string): number | null {
  const value = read(object, key, prefix);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw optionError(`${prefix}.${key}`, 'ms since the epoch or null', value);
  }
  return value;
}

function checkObject(value: unknown, option: string, expected: string): object {
  if (!guardRead(option, () => isRecordLike(value))) throw optionError(option, expected, value);
  return value as object;
}

function checkMetrics(value: unknown, prefix: string): UsageReportMetrics {
  const object = checkObject(value, prefix, 'report figures');
  return {
    requests: count(object, 'requests', prefix),
    failures: count(object, 'failures', prefix),
    inputTokens: count(object, 'inputTokens', prefix),
    outputTokens: count(object, 'outputTokens', prefix),
    cachedInputTokens: count(object, 'cachedInputTokens', prefix),
    costUsd: amount(object, 'costUsd', prefix),
    costUsdExact: exact(object, 'costUsdExact', prefix),
    avgLatencyMs: latency(object, 'avgLatencyMs', prefix),
    p95LatencyMs: latency(object, 'p95LatencyMs', prefix),
    fallbacks: count(object, 'fallbacks', prefix),
  };
}

function checkRow(value: unknown, prefix: string, groupBy: readonly UsageGroupKey[]): UsageReportRow {
  const object = checkObject(value, prefix, 'a report row');
  const groupValue = read(object, 'group', prefix);
  const groupObject = checkObject(groupValue, `${prefix}.group`, 'the group values of the row');
  const group: { [K in UsageGroupKey]?: string | null } = {};
  for (const key of groupBy) {
    const cell = read(groupObject, key, `${prefix}.group`);
    if (cell !== null && cell !== undefined && typeof cell !== 'string') {
      throw optionError(`${prefix}.group.${key}`, 'text or null', cell);
    }
    group[key] = cell ?? null;
  }
  return { group, ...checkMetrics(object, prefix) };
}

function checkSavings(value: unknown, prefix: string): UsageSavings {
  const object = checkObject(value, prefix, 'a savings line');
  const baselineModel = read(object, 'baselineModel', prefix);
  if (baselineModel !== null && typeof baselineModel !== 'string') {
    throw optionError(`${prefix}.baselineModel`, 'a model id or null', baselineModel);
  }
  const baselineGateway = read(object, 'baselineGateway', prefix);
  if (baselineGateway !== null && !GATEWAYS.includes(baselineGateway)) {
    throw optionError(`${prefix}.baselineGateway`, 'a gateway id or null', baselineGateway);
  }
  return {
    baselineModel,
    baselineGateway: baselineGateway as GatewayId | null,
    calls: count(object, 'calls', prefix),
    unpricedCalls: count(object, 'unpricedCalls', prefix),
    actualUsd: amount(object, 'actualUsd', prefix),
    baselineUsd: amount(object, 'baselineUsd', prefix),
    savedUsd: amount(object, 'savedUsd', prefix, true),
    actualUsdExact: exact(object, 'actualUsdExact', prefix),
    baselineUsdExact: exact(object, 'baselineUsdExact', prefix),
    savedUsdExact: exact(object, 'savedUsdExact', prefix, true),
    invalidRecords:
      read(object, 'invalidRecords', prefix) === undefined ? 0 : count(object, 'invalidRecords', prefix),
  };
}

/**
 * Checks that `value` is a report as `buildUsageReport` makes it and returns a plain copy of its
 * own fields (nothing else is exported). Figures must be finite and not negative, exact amounts
 * nine-decimal strings, group values text or null.
 * @throws InvalidRequestError naming the field at fault (`report.rows[3].costUsdExact`).
 */
export function checkUsageReport(value: unknown): UsageReport {
  const report = checkObject(value, 'report', 'a report from buildUsageReport() or router.usage.report()');
  const groupBy = checkGroupBy(read(report, 'groupBy', 'report'), 'report.groupBy');
  const rows = readArray(
    read(report, 'rows', 'report'),
    'report.rows',
    'an array of report rows',
    MAX_ROWS,
  ).map((row, index) => checkRow(row, `report.rows[${index}]`, groupBy));
  const savings = read(report, 'savings', 'report');
  return {
    from: time(report, 'from', 'report'),
    to: time(report, 'to', 'report'),
    groupBy,
    rows,
    totals: checkMetrics(read(report, 'totals', 'report'), 'report.totals'),
    invalidRecords:
      read(report, 'invalidRecords', 'report') === undefined ? 0 : count(report, 'invalidRecords', 'report'),
    ...(savings === undefined ? {} : { savings: checkSavings(savings, 'report.savings') }),
  };
}

/** Checks the `indent` of `reportToJson()`: a whole number from 0 to 10. */
export function checkIndent(value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 10) {
    throw optionError('indent', 'a whole number of spaces from 0 to 10', value);
  }
  return value as number;
}
