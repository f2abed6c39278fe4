import { matchesUsageQuery } from './matches-usage-query.ts';
import type { UsageQuery, UsageRecord } from './usage-record.ts';
import type { UsageTracker } from './usage-tracker.ts';

export interface MemoryUsageTrackerSettings {
  /**
   * Records kept; the oldest are dropped beyond it, so a long-running process stays bounded.
   * @default 100_000
   */
  readonly maxRecords?: number;
}

/** Keeps usage records in memory, keyed by call id. The router's default tracker. */
export function createMemoryUsageTracker(settings: MemoryUsageTrackerSettings = {}): UsageTracker & {
  /** Records currently held. */
  readonly size: number;
} {
  const maxRecords = settings.maxRecords ?? 100_000;
  const records = new Map<string, UsageRecord>();
  return {
    get size() {
      return records.size;
    },
    record(record) {
      if (records.has(record.callId)) return;
      records.set(record.callId, record);
      if (records.size > maxRecords) {
        const oldest = records.keys().next();
        if (!oldest.done) records.delete(oldest.value);
      }
    },
    query(query: UsageQuery = {}) {
      const result: UsageRecord[] = [];
      for (const record of records.values()) if (matchesUsageQuery(record, query)) result.push(record);
      return result;
    },
  };
}
