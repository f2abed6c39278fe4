import * as z from 'zod/mini';
import { checkSettings, whole } from '../errors/check-settings.ts';
import type { UsageQuery, UsageRecord } from '../types/usage-record.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { checkUsageQuery } from './check-usage-query.ts';
import { matchesUsageQuery } from './matches-usage-query.ts';

export interface MemoryUsageTrackerSettings {
  /**
   * Records kept; the oldest are dropped beyond it, so a long-running process stays bounded.
   * @default 100_000
   */
  readonly maxRecords?: number;
}

/** The in-memory tracker: synchronous, bounded. */
export interface MemoryUsageTracker extends UsageTracker {
  /** Records currently held. */
  readonly size: number;
  /** Keeps the record unless its call id is already held. */
  record(record: UsageRecord): void;
  /**
   * Held records matching the query, oldest first, whatever they hold (a report counts those it
   * cannot trust in `invalidRecords`).
   * @throws InvalidRequestError naming the filter at fault.
   */
  query(query?: UsageQuery): readonly UsageRecord[];
}

const settingsSchema = z.strictObject({
  maxRecords: z.optional(z.number().check(whole('expected a whole number'), z.positive())),
});

/**
 * Keeps usage records in memory, keyed by call id. The router's default tracker.
 *
 * A record whose call id is already held is ignored, so retrying `record()` is safe. Beyond
 * `maxRecords` the oldest record is dropped (and its call id forgotten: exactly-once holds among
 * the records held). Records live in a ring buffer with a set of call ids, so recording is O(1),
 * eviction included (millions of records per second).
 *
 * @throws InvalidSettingsError when `maxRecords` is not a positive integer.
 *
 * @example
 * const usage = createMemoryUsageTracker({ maxRecords: 10_000 });
 * const router = createRouter({ usage, ... });
 */
export function createMemoryUsageTracker(settings: MemoryUsageTrackerSettings = {}): MemoryUsageTracker {
  const maxRecords =
    checkSettings(settingsSchema, settings, 'createMemoryUsageTracker').maxRecords ?? 100_000;
  const ids = new Set<string>();
  // Grown as needed up to maxRecords, then used as a ring: `oldest` is the next slot to overwrite.
  const ring: UsageRecord[] = [];
  let oldest = 0;
  return {
    get size() {
      return ring.length;
    },
    record(record) {
      if (ids.has(record.id)) return;
      ids.add(record.id);
      if (ring.length < maxRecords) {
        ring.push(record);
        return;
      }
      ids.delete((ring[oldest] as UsageRecord).id);
      ring[oldest] = record;
      oldest = oldest + 1 === maxRecords ? 0 : oldest + 1;
    },
    query(query: UsageQuery = {}) {
      const checked = checkUsageQuery(query, 'query');
      const result: UsageRecord[] = [];
      const count = ring.length;
      for (let offset = 0; offset < count; offset++) {
        const record = ring[(oldest + offset) % count] as UsageRecord;
        if (matchesUsageQuery(record, checked)) result.push(record);
      }
      return result;
    },
  };
}
