import type { UsageQuery } from './usage-record.ts';
import type { SavingsOptions, UsageSavings } from './usage-savings.ts';

/**
 * What a report row can be grouped by. `key` is the record's `keyId`; `day` is the UTC calendar
 * day of `startedAt` (`YYYY-MM-DD`); `tag` puts a record with several tags in each of their groups;
 * `costSource` is where the cost figure came from (`gateway`, `catalog`, `estimated`, `none`);
 * `priceSource` is whose price a `catalog` or `estimated` cost used (`litellm`, `openrouter`,
 * `bundled`, `genai-prices`, `user`; `null` for a gateway-reported cost).
 */
export type UsageGroupKey =
  | 'user'
  | 'key'
  | 'provider'
  | 'model'
  | 'gateway'
  | 'tag'
  | 'day'
  | 'costSource'
  | 'priceSource';

/** Every `UsageGroupKey`, in a stable order. */
export const USAGE_GROUP_KEYS: readonly UsageGroupKey[] = [
  'user',
  'key',
  'provider',
  'model',
  'gateway',
  'tag',
  'day',
  'costSource',
  'priceSource',
];

/** Options of `buildUsageReport()` and `router.usage.report()`. */
export interface UsageReportOptions {
  /** From this time, inclusive (ms since the epoch, or a Date); narrows `filter.from`. */
  readonly from?: number | Date;
  /** Up to this time, exclusive; narrows `filter.to`. */
  readonly to?: number | Date;
  /** Dimensions of a row, outermost first; none gives one row for everything. @default [] */
  readonly groupBy?: readonly UsageGroupKey[];
  /** Which records count. A `tag` filter keeps records carrying the tag; their other tags still form groups. */
  readonly filter?: UsageQuery;
  /** Adds a savings line against a baseline model. */
  readonly savings?: SavingsOptions;
}

/**
 * The values that identify a row, one per `groupBy` dimension. `null` where a record has no value
 * (no user, no key, no tag, a failed call without a model).
 */
export type UsageReportGroup = { readonly [K in UsageGroupKey]?: string | null };

/** The figures of a row, and of the totals. */
export interface UsageReportMetrics {
  /** Calls, whatever their status. */
  readonly requests: number;
  /** Calls with status `error` or `aborted`. */
  readonly failures: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Of `inputTokens`, those read from the provider's prompt cache. */
  readonly cachedInputTokens: number;
  /** USD, summed exactly in nano-dollars and converted once. */
  readonly costUsd: number;
  /** The same cost as an exact decimal string with nine decimals, e.g. `"0.012345678"`. */
  readonly costUsdExact: string;
  /** Mean wall time of the calls, ms; `null` without calls. */
  readonly avgLatencyMs: number | null;
  /**
   * 95th percentile of the calls' wall time, ms, by the nearest-rank method (exact: the smallest
   * recorded latency that at least 95 % of the calls do not exceed); `null` without calls.
   */
  readonly p95LatencyMs: number | null;
  /** Calls that left their first-ranked candidate. */
  readonly fallbacks: number;
}

/** One group of a report. */
export interface UsageReportRow extends UsageReportMetrics {
  readonly group: UsageReportGroup;
}

/** What `buildUsageReport()` returns. Plain data: `JSON.stringify` gives the JSON export. */
export interface UsageReport {
  /** Start of the period covered (inclusive), ms since the epoch; `null` for unbounded. */
  readonly from: number | null;
  /** End of the period covered (exclusive); `null` for unbounded. */
  readonly to: number | null;
  readonly groupBy: readonly UsageGroupKey[];
  /** One per group, sorted by the group values (dimension by dimension; `null` last). */
  readonly rows: readonly UsageReportRow[];
  /**
   * Every matching record counted once. When grouping by `tag`, a record with several tags is in
   * several rows, so the rows can add up to more than the totals; the totals are the true figures.
   */
  readonly totals: UsageReportMetrics;
  /**
   * Records left out of every figure because no report can trust them (tokens or cost NaN,
   * infinite, negative, fractional or beyond `USAGE_RECORD_BOUNDS`, a field of the wrong type, not
   * an object), among those the filter does not rule out. 0 for a ledger written by this router.
   */
  readonly invalidRecords: number;
  /** Present when `savings` was asked for. */
  readonly savings?: UsageSavings;
}
