import type { UsageQuery, UsageRecord } from './usage-record.ts';

function time(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}

/** Whether a record passes every filter of a query. */
export function matchesUsageQuery(record: UsageRecord, query: UsageQuery): boolean {
  const from = time(query.from);
  const to = time(query.to);
  if (from !== undefined && record.startedAt < from) return false;
  if (to !== undefined && record.startedAt >= to) return false;
  if (query.user !== undefined && record.user !== query.user) return false;
  if (query.keyId !== undefined && record.keyId !== query.keyId) return false;
  if (query.provider !== undefined && record.provider !== query.provider) return false;
  if (query.model !== undefined && record.model !== query.model) return false;
  if (query.gateway !== undefined && record.gateway !== query.gateway) return false;
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.tag !== undefined && !record.tags.includes(query.tag)) return false;
  return true;
}
