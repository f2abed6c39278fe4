import type { UsageRecord } from '../types/usage-record.ts';
import type {
  UsageGroupKey,
  UsageReport,
  UsageReportGroup,
  UsageReportMetrics,
  UsageReportOptions,
  UsageReportRow,
} from '../types/usage-report.ts';
import { type CheckedReportOptions, checkRecords, checkReportOptions } from './check-report-options.ts';
import { createSavingsAccumulator, type SavingsAccumulator } from './compute-savings.ts';
import { matchesUsageQuery } from './matches-usage-query.ts';
import { addNanoUsd, createMoneySum, formatMoneySum, moneySumToUsd } from './money-sum.ts';
import { nearestRankPercentile } from './nearest-rank-percentile.ts';
import { type ReportRecord, readUsageRecord } from './read-usage-record.ts';

const DAY_MS = 86_400_000;

// A group value while grouping: a string, a UTC day number for `day` (cheaper than a date string
// per record; formatted once per row), or null for "no value".
type GroupValue = string | number | null;
type GroupNode = Map<GroupValue, GroupNode | Accumulator>;

/** Running figures of one group (or of the totals). */
class Accumulator {
  requests = 0;
  failures = 0;
  inputTokens = 0;
  outputTokens = 0;
  cachedInputTokens = 0;
  fallbacks = 0;
  latencySum = 0;
  readonly cost = createMoneySum();
  readonly latencies: number[] = [];
  readonly values: readonly GroupValue[];

  constructor(values: readonly GroupValue[]) {
    this.values = values;
  }

  add(record: ReportRecord): void {
    this.requests++;
    if (record.status !== 'ok') this.failures++;
    this.inputTokens += record.inputTokens;
    this.outputTokens += record.outputTokens;
    this.cachedInputTokens += record.cachedInputTokens;
    if (record.fallback) this.fallbacks++;
    this.latencySum += record.latencyMs;
    this.latencies.push(record.latencyMs);
    addNanoUsd(this.cost, record.costNanoUsd);
  }

  metrics(): UsageReportMetrics {
    const sorted = Float64Array.from(this.latencies).sort();
    return {
      requests: this.requests,
      failures: this.failures,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cachedInputTokens: this.cachedInputTokens,
      costUsd: moneySumToUsd(this.cost),
      costUsdExact: formatMoneySum(this.cost),
      avgLatencyMs: this.requests === 0 ? null : this.latencySum / this.requests,
      p95LatencyMs: nearestRankPercentile(sorted, 95),
      fallbacks: this.fallbacks,
    };
  }
}

function groupValue(record: ReportRecord, key: Exclude<UsageGroupKey, 'tag'>): GroupValue {
  switch (key) {
    case 'user':
      return record.user ?? null;
    case 'key':
      return record.keyId ?? null;
    case 'provider':
      return record.provider ?? null;
    case 'model':
      return record.model ?? null;
    case 'gateway':
      return record.gateway ?? null;
    case 'costSource':
      return record.costSource;
    case 'priceSource':
      return record.priceSource ?? null;
    case 'day':
      return Math.floor(record.startedAt / DAY_MS);
  }
}

function compareValues(a: GroupValue, b: GroupValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function formatValue(value: GroupValue): string | null {
  return typeof value === 'number' ? new Date(value * DAY_MS).toISOString().slice(0, 10) : value;
}

/**
 * Groups usage records into a report: per group, requests, failures, tokens, cost, average and p95
 * latency and fallbacks, plus totals and, when asked, a savings line. Pure: reads the records,
 * changes nothing. Costs are summed in integer nano-dollars, then converted once.
 *
 * A record with several tags counts once in each of its tag groups (duplicate tags once); the
 * `totals` count every record once. A record without tags falls in the `tag: null` group.
 *
 * A record no report can trust (tokens or cost outside `USAGE_RECORD_BOUNDS`: NaN, infinite,
 * negative, fractional or absurd; a field of the wrong type; not an object) is left out of every
 * figure and counted in `invalidRecords`, unless a filter rules it out. Whatever the records hold,
 * this never throws on them.
 *
 * Over 1,000,000 records grouped by user × model it takes a few hundred ms (see
 * `bench/usage-bench.ts`); memory is one latency per record, for the exact p95.
 *
 * @throws InvalidRequestError naming the option at fault: options that are not an object, an
 * unknown option, an unknown or repeated `groupBy` dimension, an invalid time or filter, a
 * malformed `savings` (no catalog, an unknown baseline model), or `records` that are not iterable.
 *
 * @example
 * const report = buildUsageReport(await router.usage.query(), {
 *   from: Date.UTC(2026, 4, 1),
 *   groupBy: ['user', 'model'],
 * });
 * report.rows[0]; // { group: { user: 'ada', model: 'openai/gpt-5.4-mini' }, requests: 12, costUsd: 0.0042, ... }
 */
export function buildUsageReport(
  records: Iterable<UsageRecord>,
  options: UsageReportOptions = {},
): UsageReport {
  const checkedRecords = checkRecords(records, 'records');
  return summarizeUsage(checkedRecords, checkReportOptions(options));
}

/**
 * The report over records as they came from a tracker (anything at all) and options already
 * checked by `checkReportOptions`. What `buildUsageReport` and `queryUsageReport` share.
 */
export function summarizeUsage(records: Iterable<unknown>, options: CheckedReportOptions): UsageReport {
  const { groupBy, query } = options;
  const filtered = Object.keys(query).length > 0;
  const savings: SavingsAccumulator | undefined = options.savings
    ? createSavingsAccumulator(options.savings)
    : undefined;
  const depth = groupBy.length;
  const totals = new Accumulator([]);
  const root: GroupNode = new Map();
  const groups: Accumulator[] = [];
  const path: GroupValue[] = new Array(depth).fill(null);
  let invalidRecords = 0;

  function step(node: GroupNode, level: number, value: GroupValue, record: ReportRecord): void {
    path[level] = value;
    const next = node.get(value);
    if (level === depth - 1) {
      let group = next as Accumulator | undefined;
      if (!group) {
        group = new Accumulator([...path]);
        node.set(value, group);
        groups.push(group);
      }
      group.add(record);
    } else {
      let child = next as GroupNode | undefined;
      if (!child) {
        child = new Map();
        node.set(value, child);
      }
      visit(child, level + 1, record);
    }
  }

  function visit(node: GroupNode, level: number, record: ReportRecord): void {
    const key = groupBy[level] as UsageGroupKey;
    if (key !== 'tag') {
      step(node, level, groupValue(record, key), record);
      return;
    }
    const tags = record.tags;
    if (tags.length === 0) {
      step(node, level, null, record);
      return;
    }
    for (let index = 0; index < tags.length; index++) {
      const tag = tags[index] as string;
      if (index > 0 && tags.indexOf(tag) < index) continue;
      step(node, level, tag, record);
    }
  }

  for (const value of records) {
    const record = readUsageRecord(value);
    if (record === undefined) {
      if (!filtered || matchesUsageQuery(value, query)) invalidRecords++;
      continue;
    }
    if (filtered && !matchesUsageQuery(record, query)) continue;
    totals.add(record);
    savings?.add(record);
    if (depth > 0) visit(root, 0, record);
  }
  if (depth === 0 && totals.requests > 0) groups.push(totals);

  groups.sort((a, b) => {
    for (let level = 0; level < depth; level++) {
      const order = compareValues(a.values[level] as GroupValue, b.values[level] as GroupValue);
      if (order !== 0) return order;
    }
    return 0;
  });
  const totalMetrics = totals.metrics();
  const rows: UsageReportRow[] = groups.map((group) => {
    const key: { [K in UsageGroupKey]?: string | null } = {};
    groupBy.forEach((dimension, level) => {
      key[dimension] = formatValue(group.values[level] as GroupValue);
    });
    return { group: key as UsageReportGroup, ...(group === totals ? totalMetrics : group.metrics()) };
  });
  return {
    from: query.from ?? null,
    to: query.to ?? null,
    groupBy: [...groupBy],
    rows,
    totals: totalMetrics,
    invalidRecords,
    ...(savings ? { savings: savings.result(invalidRecords) } : {}),
  };
}
