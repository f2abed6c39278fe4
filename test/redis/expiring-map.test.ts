import { describe, expect, it } from 'vitest';
import { ExpiringMap } from '../../src/redis/expiring-map.ts';

describe('ExpiringMap', () => {
  it('answers only entries that have not ended', () => {
    const map = new ExpiringMap<string>(10);
    map.set('a', 'A', 100, 0);
    expect(map.get('a', 99)).toBe('A');
    expect(map.get('a', 100)).toBeUndefined();
    expect([...map.values(50)]).toEqual(['A']);
    expect([...map.values(100)]).toEqual([]);
  });

  it('drops ended entries as it grows, so its size follows the live ones', () => {
    const map = new ExpiringMap<number>(1_000_000);
    // 100,000 entries, each alive for 10 time units: never more than a few batches' worth held.
    let largest = 0;
    for (let now = 0; now < 100_000; now++) {
      map.set(`k${now}`, now, now + 10, now);
      largest = Math.max(largest, map.size);
    }
    expect(largest).toBeLessThanOrEqual(2_048);
  });

  it('never holds more than maxSize, dropping the least recently set first', () => {
    const map = new ExpiringMap<number>(2_000);
    for (let index = 0; index < 10_000; index++) {
      map.set(`k${index}`, index, Number.POSITIVE_INFINITY, 0);
      // k0 is set again and again: it stays.
      map.set('k0', 0, Number.POSITIVE_INFINITY, 0);
      expect(map.size).toBeLessThanOrEqual(2_001);
    }
    expect(map.has('k0')).toBe(true);
    expect(map.has('k1')).toBe(false);
    expect(map.has('k9999')).toBe(true);
  });
});
