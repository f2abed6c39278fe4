import type { UsageQuery, UsageRecord } from './usage-record.ts';

/**
 * Where usage records go. The router calls `record()` exactly once per finished call; a tracker
 * that sees the same `id` twice must keep one record (retries of `record` are safe).
 * A tracker that throws or is slow never fails or delays a call: the router reports its errors as
 * `tracker-error` events.
 */
export interface UsageTracker {
  record(record: UsageRecord): void | Promise<void>;
  query(query?: UsageQuery): readonly UsageRecord[] | Promise<readonly UsageRecord[]>;
  /** Flushes anything buffered; called by `router.close()`. */
  close?(): void | Promise<void>;
}
