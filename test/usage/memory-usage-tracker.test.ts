import { describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';
import { usageRecord } from './generate-records.ts';

describe('createMemoryUsageTracker', () => {
  it('keeps the newest maxRecords, oldest first, and forgets the call ids it dropped', () => {
    const tracker = createMemoryUsageTracker({ maxRecords: 3 });
    for (const callId of ['a', 'b', 'c', 'd', 'e']) tracker.record(usageRecord({ callId }));
    expect(tracker.size).toBe(3);
    expect(tracker.query().map((record) => record.callId)).toEqual(['c', 'd', 'e']);
    tracker.record(usageRecord({ callId: 'd' })); // still held: ignored
    expect(tracker.query().map((record) => record.callId)).toEqual(['c', 'd', 'e']);
    tracker.record(usageRecord({ callId: 'a' })); // dropped earlier: a new record
    expect(tracker.query().map((record) => record.callId)).toEqual(['d', 'e', 'a']);
    expect(tracker.query({ user: 'ada', to: Date.UTC(2030, 0) })).toHaveLength(3);
  });

  it('wraps around its ring many times without losing order', () => {
    const tracker = createMemoryUsageTracker({ maxRecords: 7 });
    for (let index = 0; index < 1_000; index++) tracker.record(usageRecord({ callId: `c${index}` }));
    expect(tracker.query().map((record) => record.callId)).toEqual(
      Array.from({ length: 7 }, (_, index) => `c${993 + index}`),
    );
  });

  it('checks maxRecords', () => {
    expect(() => createMemoryUsageTracker({ maxRecords: 0 })).toThrow(InvalidSettingsError);
    expect(() => createMemoryUsageTracker({ maxRecords: 1.5 })).toThrow(/maxRecords/);
  });
});
