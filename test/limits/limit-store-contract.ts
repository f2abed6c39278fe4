import { describe, expect, it } from 'vitest';
import type {
  LimitAmounts,
  LimitReservationEntry,
  LimitReserveRequest,
  LimitScopeCheck,
  LimitStore,
  LimitWindowCheck,
} from '../../src/types/limit-store.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const MINUTE = 60_000;
const LEASE = 10 * MINUTE;

const amounts = (tokens: number, requests = 1, costMicroUsd = 0): LimitAmounts => ({
  requests,
  tokens,
  costMicroUsd,
});
const tokensPerMinute = (size: number, startMs = T0): LimitWindowCheck => ({
  limit: 'tokensPerMinute',
  metric: 'tokens',
  windowStartMs: startMs,
  windowEndMs: startMs + MINUTE,
  size,
});
const check = (scope: string, tokens: number, windows: LimitWindowCheck[]): LimitScopeCheck => ({
  scope,
  amounts: amounts(tokens),
  windows,
});
const request = (id: string, scopes: LimitScopeCheck[], nowMs = T0): LimitReserveRequest => ({
  reservationId: id,
  nowMs,
  expiresAtMs: nowMs + LEASE,
  scopes,
});
const entriesOf = (reserve: LimitReserveRequest): LimitReservationEntry[] =>
  reserve.scopes.flatMap((scope) =>
    scope.windows.map((window) => ({
      scope: scope.scope,
      limit: window.limit,
      metric: window.metric,
      windowStartMs: window.windowStartMs,
      windowEndMs: window.windowEndMs,
      amount: scope.amounts[window.metric],
    })),
  );

async function counters(store: LimitStore, nowMs = T0) {
  const snapshot = await store.read({ nowMs });
  return snapshot.counters.map(({ scope, limit, used, reserved }) => ({ scope, limit, used, reserved }));
}

/**
 * The behaviour every `LimitStore` must show. Run it against each implementation (memory today, a
 * shared store later) so none drifts.
 */
export function describeLimitStoreContract(name: string, createStore: () => LimitStore): void {
  describe(`LimitStore contract: ${name}`, () => {
    it('grants while used + reserved + amount fits the size, and counts the amount as reserved', async () => {
      const store = createStore();
      expect(
        await store.reserve(request('a', [check('provider:openai', 600, [tokensPerMinute(1000)])])),
      ).toEqual({
        granted: true,
      });
      expect(
        await store.reserve(request('b', [check('provider:openai', 400, [tokensPerMinute(1000)])])),
      ).toEqual({
        granted: true,
      });
      expect(await counters(store)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerMinute', used: 0, reserved: 1000 },
      ]);
      expect(
        await store.reserve(request('c', [check('provider:openai', 1, [tokensPerMinute(1000)])])),
      ).toEqual({
        granted: false,
        denials: [
          {
            scope: 'provider:openai',
            limit: 'tokensPerMinute',
            used: 0,
            reserved: 1000,
            size: 1000,
            requested: 1,
            untilMs: T0 + MINUTE,
          },
        ],
      });
    });

    it('is all-or-nothing across scopes, and lists every limit without room', async () => {
      const store = createStore();
      await store.reserve(request('fill', [check('key:k1', 900, [tokensPerMinute(1000)])]));
      await store.reserve(request('fill-user', [check('user:u1', 950, [tokensPerMinute(1000)])]));
      const result = await store.reserve(
        request('both', [
          check('provider:openai', 200, [tokensPerMinute(1000)]),
          check('key:k1', 200, [tokensPerMinute(1000)]),
          check('user:u1', 200, [tokensPerMinute(1000)]),
        ]),
      );
      expect(result.granted).toBe(false);
      expect(result.granted ? [] : result.denials.map((denial) => denial.scope)).toEqual([
        'key:k1',
        'user:u1',
      ]);
      // Nothing was taken from the scope that had room.
      expect(await counters(store)).toEqual([
        { scope: 'key:k1', limit: 'tokensPerMinute', used: 0, reserved: 900 },
        { scope: 'user:u1', limit: 'tokensPerMinute', used: 0, reserved: 950 },
      ]);
    });

    it('counts a scope listed twice in one request twice', async () => {
      const store = createStore();
      const twice = request('twice', [
        check('provider:openai', 600, [tokensPerMinute(1000)]),
        check('provider:openai', 600, [tokensPerMinute(1000)]),
      ]);
      expect((await store.reserve(twice)).granted).toBe(false);
      expect(await counters(store)).toEqual([]);
    });

    it('settle moves the reserved amount to the actual used amount; release gives it all back', async () => {
      const store = createStore();
      const first = request('first', [check('provider:openai', 800, [tokensPerMinute(1000)])]);
      const second = request('second', [check('provider:openai', 200, [tokensPerMinute(1000)])]);
      await store.reserve(first);
      await store.reserve(second);
      await store.settle({
        reservationId: 'first',
        nowMs: T0 + 1000,
        expiresAtMs: first.expiresAtMs,
        entries: entriesOf(first),
        actual: amounts(350),
      });
      expect(await counters(store, T0 + 1000)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerMinute', used: 350, reserved: 200 },
      ]);
      await store.release({ reservationId: 'second', nowMs: T0 + 2000 });
      expect(await counters(store, T0 + 2000)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerMinute', used: 350, reserved: 0 },
      ]);
    });

    it('a second settle or release of the same reservation changes nothing', async () => {
      const store = createStore();
      const first = request('first', [check('provider:openai', 500, [tokensPerMinute(1000)])]);
      await store.reserve(first);
      const settle = {
        reservationId: 'first',
        nowMs: T0,
        expiresAtMs: first.expiresAtMs,
        entries: entriesOf(first),
        actual: amounts(300),
      };
      await store.settle(settle);
      await store.settle(settle);
      await store.release({ reservationId: 'first', nowMs: T0 });
      expect(await counters(store)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerMinute', used: 300, reserved: 0 },
      ]);
    });

    it('gives an expired lease back, and still counts a late settle in windows that have not ended', async () => {
      const store = createStore();
      const day = {
        limit: 'tokensPerDay' as const,
        metric: 'tokens' as const,
        windowStartMs: Date.UTC(2026, 0, 1),
        windowEndMs: Date.UTC(2026, 0, 2),
        size: 10_000,
      };
      const lost = request('lost', [check('provider:openai', 4000, [day])]);
      await store.reserve(lost);
      expect(await counters(store, lost.expiresAtMs - 1)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerDay', used: 0, reserved: 4000 },
      ]);
      expect(await counters(store, lost.expiresAtMs)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerDay', used: 0, reserved: 0 },
      ]);
      await store.settle({
        reservationId: 'lost',
        nowMs: lost.expiresAtMs + 5,
        expiresAtMs: lost.expiresAtMs,
        entries: entriesOf(lost),
        actual: amounts(1500),
      });
      expect(await counters(store, lost.expiresAtMs + 5)).toEqual([
        { scope: 'provider:openai', limit: 'tokensPerDay', used: 1500, reserved: 0 },
      ]);
    });

    it('drops counters whose window ended; a settle into an ended window is dropped too', async () => {
      const store = createStore();
      const first = request('first', [check('provider:openai', 500, [tokensPerMinute(1000)])]);
      await store.reserve(first);
      expect(await counters(store, T0 + MINUTE - 1)).toHaveLength(1);
      expect(await counters(store, T0 + MINUTE)).toEqual([]);
      await store.settle({
        reservationId: 'first',
        nowMs: T0 + MINUTE + 1,
        expiresAtMs: first.expiresAtMs,
        entries: entriesOf(first),
        actual: amounts(500),
      });
      expect(await counters(store, T0 + MINUTE + 1)).toEqual([]);
      // The next window starts empty.
      const next = request(
        'next',
        [check('provider:openai', 1000, [tokensPerMinute(1000, T0 + MINUTE)])],
        T0 + MINUTE,
      );
      expect((await store.reserve(next)).granted).toBe(true);
    });

    it('an upstream block denies every call in its scope until it lifts, keeping the later of two', async () => {
      const store = createStore();
      await store.block({ scope: 'provider:openai', limit: 'retryAfter', untilMs: T0 + 5000, nowMs: T0 });
      await store.block({ scope: 'provider:openai', limit: 'retryAfter', untilMs: T0 + 2000, nowMs: T0 });
      const blocked = await store.reserve(request('b', [check('provider:openai', 10, [])], T0 + 4999));
      expect(blocked).toEqual({
        granted: false,
        denials: [
          {
            scope: 'provider:openai',
            limit: 'retryAfter',
            used: 0,
            reserved: 0,
            size: 0,
            requested: 1,
            untilMs: T0 + 5000,
          },
        ],
      });
      expect((await store.reserve(request('other', [check('provider:anthropic', 10, [])], T0))).granted).toBe(
        true,
      );
      expect((await store.read({ nowMs: T0 })).blocks).toEqual([
        { scope: 'provider:openai', limit: 'retryAfter', untilMs: T0 + 5000 },
      ]);
      expect((await store.reserve(request('c', [check('provider:openai', 10, [])], T0 + 5000))).granted).toBe(
        true,
      );
      expect((await store.read({ nowMs: T0 + 5000 })).blocks).toEqual([]);
    });

    it('keeps limits set at run time: the latest write of a scope wins, removals included', async () => {
      const store = createStore();
      expect(store.writeLimits).toBeTypeOf('function');
      expect(store.readLimits).toBeTypeOf('function');
      const first = await store.writeLimits?.({ scope: 'user:u1', limits: { requestsPerMinute: 5 } });
      const second = await store.writeLimits?.({ scope: 'user:u2', limits: { budgetUsdPerDay: 1.5 } });
      const third = await store.writeLimits?.({ scope: 'user:u1', limits: { tokensPerDay: 900 } });
      const removed = await store.writeLimits?.({ scope: 'user:u2', limits: undefined });
      const versions = [first, second, third, removed].map(Number);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(new Set(versions).size).toBe(4);
      const shared = [...((await store.readLimits?.()) ?? [])].sort((a, b) => a.scope.localeCompare(b.scope));
      expect(shared).toEqual([
        { scope: 'user:u1', limits: { tokensPerDay: 900 }, version: third },
        { scope: 'user:u2', limits: undefined, version: removed },
      ]);
    });

    it('read() of given scopes returns only theirs', async () => {
      const store = createStore();
      await store.reserve(
        request('a', [
          check('provider:openai', 1, [tokensPerMinute(10)]),
          check('user:u1', 1, [tokensPerMinute(10)]),
        ]),
      );
      const snapshot = await store.read({ nowMs: T0, scopes: ['user:u1', 'user:nobody'] });
      expect(snapshot.counters.map((counter) => counter.scope)).toEqual(['user:u1']);
    });
  });
}
