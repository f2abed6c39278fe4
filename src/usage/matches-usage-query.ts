import type { UsageQuery, UsageRecord } from '../types/usage-record.ts';

function time(value: number | Date | undefined): number | undefined {
  return value instanceof Date ? value.getTime() : value;
}

function matchesFields(record: Record<keyof UsageRecord, unknown>, query: UsageQuery): boolean {
  const from = time(query.from);
  const to = time(query.to);
  const startedAt = record.startedAt;
  // A start time that is not a number cannot be compared: the record is not ruled out by it.
  if (typeof startedAt === 'number') {
    if (from !== undefined && startedAt < from) return false;
    if (to !== undefined && startedAt >= to) return false;
  }
  if (query.user !== undefined && record.user !== query.user) return false;
  if (query.keyId !== undefined && record.keyId !== query.keyId) return false;
  if (query.provider !== undefined && record.provider !== query.provider) return false;
  if (query.model !== undefined && record.model !== query.model) return false;
  if (query.gateway !== undefined && record.gateway !== query.gateway) return false;
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.tag !== undefined) {
    const tags = record.tags;
    if (Array.isArray(tags) && !tags.includes(query.tag)) return false;
  }
  return true;
}

/**
 * Whether a record passes every filter of a query. Never throws: a record a filter cannot be
 * checked on (not an object, a start time or tags of the wrong type, a field that cannot be read)
 * is not ruled out by it, so that a report can count it among its `invalidRecords`.
 */
export function matchesUsageQuery(record: unknown, query: UsageQuery): boolean {
  if (typeof record !== 'object' || record === null) return true;
  try {
    return matchesFields(record as unknown as Record<keyof UsageRecord, unknown>, query);
  } catch {
    return true;
  }
}
