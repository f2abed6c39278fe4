import { describe, expect, it } from 'vitest';
import { createMemoryLimitStore } from '../../src/limits/memory-limit-store.ts';
import type { LimitReserveRequest } from '../../src/types/limit-store.ts';
import { describeLimitStoreContract } from './limit-store-contract.ts';

describeLimitStoreContract('memory', createMemoryLimitStore);

const MINUTE = 60_000;
const DAY = 86_400_000;

describe('createMemoryLimitStore() memory bounds', () => {
  it('holds only live windows after a month of traffic across many scopes', () => {
    const store = createMemoryLimitStore();
    const start = Date.UTC(2026, 0, 1);
    let settled = 0;
    // One call a minute for 45 days, rotating across 50 users, each counted in minute and day windows.
    for (let minute = 0; minute < 45 * 24 * 60; minute++) {
      const nowMs = start + minute * MINUTE;
      const minuteStart = nowMs;
      const dayStart = start + Math.floor(minute / 1440) * DAY;
      const user = `user:u${minute % 50}`;
      const reserve: LimitReserveRequest = {
        reservationId: `r${minute}`,
        nowMs,
        expiresAtMs: nowMs + 5 * MINUTE,
        scopes: [
          {
            scope: user,
            amounts: { requests: 1, tokens: 100, costMicroUsd: 10 },
            windows: [
              {
                limit: 'requestsPerMinute',
                metric: 'requests',
                windowStartMs: minuteStart,
                windowEndMs: minuteStart + MINUTE,
                size: 10,
              },
              {
                limit: 'tokensPerDay',
                metric: 'tokens',
                windowStartMs: dayStart,
                windowEndMs: dayStart + DAY,
                size: 1_000_000,
              },
            ],
          },
        ],
      };
      expect(store.reserve(reserve).granted).toBe(true);
      // Every other call is never settled: its lease must expire and be dropped.
      if (minute % 2 === 0) {
        store.release({ reservationId: `r${minute}`, nowMs });
        settled++;
      }
    }
    const end = start + 45 * 24 * 60 * MINUTE - MINUTE;
    const stats = store.stats(end);
    expect(settled).toBe(45 * 24 * 30);
    // 50 users × today's day counter + the last minute's counter; leases of the last 5 minutes.
    expect(stats.counters).toBeLessThanOrEqual(51);
    expect(stats.scopes).toBe(50);
    expect(stats.reservations).toBeLessThanOrEqual(3);
    expect(store.stats(end + DAY)).toEqual({ scopes: 0, counters: 0, reservations: 0, blocks: 0 });
  });

  it('drops lifted blocks', () => {
    const store = createMemoryLimitStore();
    for (let index = 0; index < 1000; index++) {
      store.block({ scope: `key:k${index}`, limit: 'retryAfter', untilMs: 1000 + index, nowMs: index });
    }
    expect(store.stats(500).blocks).toBe(1000);
    // Blocks end at 1000…1999 (exclusive): at 1500 those ending at 1501…1999 remain.
    expect(store.stats(1500).blocks).toBe(499);
    expect(store.stats(2000)).toEqual({ scopes: 0, counters: 0, reservations: 0, blocks: 0 });
  });
});
