import type { CostSource } from '../types/chat.ts';
import type { UsageRecord, UsageStatus } from '../types/usage-record.ts';
import { usdToNanoUsd } from './money-sum.ts';

/**
 * What a usage record may hold for a report to count it. Records outside these bounds (NaN,
 * infinite, negative or fractional tokens, absurd amounts: written before answers were checked, or
 * by a custom tracker) are left out of every figure and counted in `invalidRecords`.
 */
export const USAGE_RECORD_BOUNDS = {
  /** Each of input, output and cached input tokens: an integer from 0 to this (no call reads or writes a billion tokens). */
  maxTokens: 1_000_000_000,
  /** Cost of one call in USD, from 0 to this (far above any real call; summed exactly below it). */
  maxCostUsd: 1_000_000,
  /** Latency of one call in ms, from 0 to this (a finite, exactly summable number). */
  maxLatencyMs: Number.MAX_SAFE_INTEGER,
  /** `startedAt` must be a time a `Date` can hold (±8.64e15 ms around 1970). */
  maxAbsoluteTimeMs: 8.64e15,
} as const;

/** The fields of a record a report reads, checked and copied once. */
export interface ReportRecord {
  readonly startedAt: number;
  readonly user: string | undefined;
  readonly keyId: string | undefined;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly gateway: string | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /** The cost in integer nano-dollars. */
  readonly costNanoUsd: number;
  readonly costSource: CostSource;
  /** `priceSource.source` of the record; `undefined` when absent or not text. */
  readonly priceSource: string | undefined;
  readonly latencyMs: number;
  readonly fallback: boolean;
  readonly tags: readonly string[];
  readonly status: UsageStatus;
}

const STATUSES: ReadonlySet<unknown> = new Set<UsageStatus>(['ok', 'error', 'aborted']);
const COST_SOURCES: ReadonlySet<unknown> = new Set<CostSource>(['gateway', 'catalog', 'estimated', 'none']);
const NO_TAGS: readonly string[] = Object.freeze([]);
// Returned by the field readers for a value no report can use.
const INVALID = Symbol('invalid');

function tokens(value: unknown): number | typeof INVALID {
  return Number.isInteger(value) &&
    (value as number) >= 0 &&
    (value as number) <= USAGE_RECORD_BOUNDS.maxTokens
    ? (value as number)
    : INVALID;
}

function text(value: unknown): string | undefined | typeof INVALID {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : INVALID;
}

function tags(value: unknown): readonly string[] | typeof INVALID {
  if (!Array.isArray(value)) return INVALID;
  const length = value.length;
  if (length === 0) return NO_TAGS;
  const copy: string[] = new Array(length);
  for (let index = 0; index < length; index++) {
    const tag: unknown = value[index];
    if (typeof tag !== 'string') return INVALID;
    copy[index] = tag;
  }
  return copy;
}

const EXPECTED: Readonly<Record<string, string>> = {
  startedAt: 'a time in ms since the epoch',
  inputTokens: `an integer from 0 to ${USAGE_RECORD_BOUNDS.maxTokens}`,
  outputTokens: `an integer from 0 to ${USAGE_RECORD_BOUNDS.maxTokens}`,
  cachedInputTokens: `an integer from 0 to ${USAGE_RECORD_BOUNDS.maxTokens}`,
  costUsd: `USD from 0 to ${USAGE_RECORD_BOUNDS.maxCostUsd}`,
  latencyMs: 'a non-negative number of ms',
  status: 'ok, error or aborted',
  costSource: 'gateway, catalog, estimated or none',
  tags: 'an array of text',
};

// The record, or the name of the first field no report can use.
function readFields(value: object): ReportRecord | keyof UsageRecord {
  const record = value as Record<keyof UsageRecord, unknown>;
  const startedAt = record.startedAt;
  if (typeof startedAt !== 'number' || !(Math.abs(startedAt) <= USAGE_RECORD_BOUNDS.maxAbsoluteTimeMs)) {
    return 'startedAt';
  }
  const inputTokens = tokens(record.inputTokens);
  if (inputTokens === INVALID) return 'inputTokens';
  const outputTokens = tokens(record.outputTokens);
  if (outputTokens === INVALID) return 'outputTokens';
  const cachedInputTokens = tokens(record.cachedInputTokens);
  if (cachedInputTokens === INVALID) return 'cachedInputTokens';
  const costUsd = record.costUsd;
  if (typeof costUsd !== 'number' || !(costUsd >= 0 && costUsd <= USAGE_RECORD_BOUNDS.maxCostUsd))
    return 'costUsd';
  const latencyMs = record.latencyMs;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= USAGE_RECORD_BOUNDS.maxLatencyMs)) {
    return 'latencyMs';
  }
  const status = record.status;
  if (!STATUSES.has(status)) return 'status';
  const costSource = record.costSource;
  if (!COST_SOURCES.has(costSource)) return 'costSource';
  const user = text(record.user);
  if (user === INVALID) return 'user';
  const keyId = text(record.keyId);
  if (keyId === INVALID) return 'keyId';
  const provider = text(record.provider);
  if (provider === INVALID) return 'provider';
  const model = text(record.model);
  if (model === INVALID) return 'model';
  const gateway = text(record.gateway);
  if (gateway === INVALID) return 'gateway';
  const tagList = tags(record.tags);
  if (tagList === INVALID) return 'tags';
  // Optional and only a grouping value: a malformed one groups as unknown rather than voiding the record.
  const priceSource: unknown = (record.priceSource as { source?: unknown } | undefined)?.source;
  return {
    startedAt,
    user,
    keyId,
    provider,
    model,
    gateway,
    inputTokens,
    outputTokens,
    cachedInputTokens,
    costNanoUsd: usdToNanoUsd(costUsd),
    costSource: costSource as CostSource,
    priceSource: typeof priceSource === 'string' ? priceSource : undefined,
    latencyMs,
    fallback: record.fallback === true,
    tags: tagList,
    status: status as UsageStatus,
  };
}

/**
 * Reads what a report needs from one stored record, each field once, into a plain object; or the
 * reason no report can count it (not an object, a value outside `USAGE_RECORD_BOUNDS` or of the
 * wrong type, a getter or Proxy trap that throws). Never throws.
 */
export function checkUsageRecord(value: unknown): ReportRecord | { readonly invalid: string } {
  if (typeof value !== 'object' || value === null) return { invalid: 'it is not an object' };
  try {
    const read = readFields(value);
    if (typeof read !== 'string') return read;
    return { invalid: `${read} must be ${EXPECTED[read] ?? 'text or nothing'}` };
  } catch {
    return { invalid: 'a field cannot be read' };
  }
}

/** `checkUsageRecord`'s record, or `undefined` for a record no report can count. Never throws. */
export function readUsageRecord(value: unknown): ReportRecord | undefined {
  const read = checkUsageRecord(value);
  return 'invalid' in read ? undefined : read;
}
