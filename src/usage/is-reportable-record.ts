import { MAX_REPORTED_COST_USD, MAX_REPORTED_TOKENS } from './figure-ranges.ts';
import type { UsageRecord } from './usage-record.ts';

const isTokenCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_REPORTED_TOKENS;

/**
 * Whether a stored record's figures can be summed into a report: token counts whole numbers from 0
 * to `MAX_REPORTED_TOKENS`, a cost finite and from 0 to `MAX_REPORTED_COST_USD`, a finite,
 * non-negative latency. The router never records anything else, but a store may hold records from
 * before it checked what gateways report (NaN, 1e308 tokens, a $1e30 cost) or written by other
 * code; a report leaves those out and counts them (`skippedRecords`) rather than failing.
 */
export function isReportableRecord(record: UsageRecord): boolean {
  const { costUsd, latencyMs, startedAt } = record;
  return (
    isTokenCount(record.inputTokens) &&
    isTokenCount(record.outputTokens) &&
    isTokenCount(record.cachedInputTokens) &&
    typeof costUsd === 'number' &&
    Number.isFinite(costUsd) &&
    costUsd >= 0 &&
    costUsd <= MAX_REPORTED_COST_USD &&
    typeof latencyMs === 'number' &&
    Number.isFinite(latencyMs) &&
    latencyMs >= 0 &&
    typeof startedAt === 'number' &&
    Number.isFinite(startedAt) &&
    Array.isArray(record.tags)
  );
}
