import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { LimitStoreError } from '../../src/limits/limit-store-error.ts';
import { createRedisLimitStore, type RedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import type { RedisUnavailablePolicy } from '../../src/redis/redis-limit-store-settings.ts';
import { createFakeClock, type FakeClock } from '../../src/testing/fake-clock.ts';
import type {
  LimitAmounts,
  LimitReservationEntry,
  LimitReserveRequest,
  LimitStoreAvailabilityEvent,
} from '../../src/types/limit-store.ts';
import { describeWithServices } from '../helpers/services.ts';
import { type PrivateRedisServer, startPrivateRedisServer, waitFor } from './private-redis-server.ts';
import { type ClientKind, connectTestClient, type TestClient, uniquePrefix } from './redis-test-clients.ts';

// Redis paused (SIGSTOP: nothing answers, connections stay open, everything sent meanwhile is
// answered on SIGCONT) and killed then restarted (empty: no persistence), on a private server.
// Real time for the outage (a short store timeout, generous bounds on every wait); the callers'
// clock is a fake one that starts each test at the start of a minute and does not move, so every
// call of a test falls in the same per-minute window however slow the machine. (On real time, a
// test that crossed a minute boundary saw its local use land in a window that had ended, so
// nothing was left to reconcile.) Held operations still run at their time plus the real time they
// waited: well within the minute, even with the slowest restart the waits allow.

const describeRedis = await describeWithServices(['redis']);
const MINUTE = 60_000;
const TIMEOUT_MS = 250;

let server: PrivateRedisServer;
let clock: FakeClock;
const opened: { connection: TestClient; store: RedisLimitStore }[] = [];

/** A private server for the suite, and every store and client closed after each test. */
function useServer() {
  beforeAll(async () => {
    server = await startPrivateRedisServer();
  });
  beforeEach(() => {
    clock = createFakeClock(Math.floor(Date.now() / MINUTE) * MINUTE);
  });
  afterEach(async () => {
    server.resume();
    for (const { connection, store } of opened.splice(0)) {
      await store.close();
      await connection.close();
    }
  });
  afterAll(async () => {
    await server.close();
  });
}

async function open(kind: ClientKind, onUnavailable: RedisUnavailablePolicy) {
  const connection = await connectTestClient(kind, server.url);
  const store = createRedisLimitStore({
    client: connection.client,
    keyPrefix: uniquePrefix('outage'),
    timeoutMs: TIMEOUT_MS,
    retryIntervalMs: 50,
    onUnavailable,
  });
  opened.push({ connection, store });
  const events: LimitStoreAvailabilityEvent[] = [];
  store.subscribe((event) => events.push(event));
  return { store, events };
}

/** One call against `user:u1`: 1 request in a requests-per-minute limit of `size`, tokens per day. */
function reservation(id: string, size: number, tokens = 100): LimitReserveRequest {
  const nowMs = clock.now();
  const minute = Math.floor(nowMs / MINUTE) * MINUTE;
  return {
    reservationId: id,
    nowMs,
    expiresAtMs: nowMs + 10 * MINUTE,
    scopes: [
      {
        scope: 'user:u1',
        amounts: { requests: 1, tokens, costMicroUsd: 0 },
        windows: [
          {
            limit: 'requestsPerMinute',
            metric: 'requests',
            windowStartMs: minute,
            windowEndMs: minute + MINUTE,
            size,
          },
          {
            limit: 'tokensPerMinute',
            metric: 'tokens',
            windowStartMs: minute,
            windowEndMs: minute + MINUTE,
            size: 1_000_000,
          },
        ],
      },
    ],
  };
}

const entries = (request: LimitReserveRequest): LimitReservationEntry[] =>
  request.scopes.flatMap((check) =>
    check.windows.map((window) => ({
      scope: check.scope,
      limit: window.limit,
      metric: window.metric,
      windowStartMs: window.windowStartMs,
      windowEndMs: window.windowEndMs,
      amount: check.amounts[window.metric],
    })),
  );

const settle = (store: RedisLimitStore, request: LimitReserveRequest, tokens: number) => {
  const actual: LimitAmounts = { requests: 1, tokens, costMicroUsd: 0 };
  return store.settle({
    reservationId: request.reservationId,
    nowMs: clock.now(),
    expiresAtMs: request.expiresAtMs,
    entries: entries(request),
    actual,
  });
};

async function tokensUsed(store: RedisLimitStore) {
  const snapshot = await store.read({ nowMs: clock.now(), scopes: ['user:u1'] });
  const tokens = snapshot.counters.find((counter) => counter.limit === 'tokensPerMinute');
  const requests = snapshot.counters.find((counter) => counter.limit === 'requestsPerMinute');
  return { tokens: tokens?.used ?? 0, reserved: tokens?.reserved ?? 0, requests: requests?.used ?? 0 };
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
}

for (const kind of ['node-redis', 'ioredis'] as const) {
  describeRedis(`Redis limit store unavailable (${kind})`, () => {
    useServer();

    test("paused under 'refuse': calls are refused within the timeout, held settles apply once on resume", async () => {
      const { store, events } = await open(kind, 'refuse');
      const first = reservation('first', 10);
      expect(await store.reserve(first)).toEqual({ granted: true });

      server.pause();
      const settled = await timed(settle(store, first, 70));
      // The settle neither hangs nor fails: it is held for later.
      expect(settled.ms).toBeLessThan(TIMEOUT_MS + 5_000);
      expect(store.available).toBe(false);
      expect(store.pending).toBe(1);
      expect(events).toEqual([
        expect.objectContaining({ type: 'unavailable', store: 'redis', policy: 'refuse' }),
      ]);

      const refused = await timed(store.reserve(reservation('refused', 10)).catch((error: unknown) => error));
      expect(LimitStoreError.isInstance(refused.value)).toBe(true);
      expect(refused.value).toMatchObject({ reason: 'unavailable', operation: 'reserve', isRetryable: true });
      expect((refused.value as Error).message).toMatch(/onUnavailable: 'allow-local'/);
      // Already known to be down: refused at once, without waiting for the timeout again.
      expect(refused.ms).toBeLessThan(TIMEOUT_MS);
      await expect(store.read({ nowMs: clock.now() })).rejects.toMatchObject({ reason: 'unavailable' });

      server.resume();
      await waitFor(() => store.available, 'the store to recover');
      expect(events).toHaveLength(2);
      expect(events[1]).toMatchObject({ type: 'recovered', policy: 'refuse', replayed: 1, reconciled: 0 });
      expect(store.pending).toBe(0);
      // The settle sent before the pause reached Redis on resume, and was applied again from the
      // hold: it counts once.
      expect(await tokensUsed(store)).toEqual({ tokens: 70, reserved: 0, requests: 1 });
      expect(await store.reserve(reservation('after', 10))).toEqual({ granted: true });
    });

    test("killed and restarted under 'allow-local': counted locally from what was left, reconciled once", async () => {
      const { store, events } = await open(kind, 'allow-local');
      const held = reservation('held', 4);
      expect(await store.reserve(held)).toEqual({ granted: true });
      const done = reservation('done', 4);
      expect(await store.reserve(done)).toEqual({ granted: true });
      await settle(store, done, 30);

      await server.kill();
      // 4 requests a minute, 2 taken as last seen: this process admits the 2 left, locally.
      const local = [reservation('local-1', 4), reservation('local-2', 4), reservation('local-3', 4)];
      const first = await timed(store.reserve(local[0] as LimitReserveRequest));
      expect(first.value).toEqual({ granted: true });
      expect(first.ms).toBeLessThan(TIMEOUT_MS + 5_000);
      expect(await store.reserve(local[1] as LimitReserveRequest)).toEqual({ granted: true });
      const denied = await store.reserve(local[2] as LimitReserveRequest);
      expect(denied).toMatchObject({
        granted: false,
        denials: [{ scope: 'user:u1', limit: 'requestsPerMinute', size: 4, used: 0, reserved: 4 }],
      });
      await settle(store, local[0] as LimitReserveRequest, 5);
      await store.release({ reservationId: 'local-2', nowMs: clock.now() });
      // A reservation Redis held before it died settles while it is gone: held, not lost.
      await settle(store, held, 11);
      expect(events.map((event) => event.type)).toEqual(['unavailable']);

      await server.restart();
      await waitFor(() => store.available, 'the store to recover', 30_000);
      expect(events[1]).toMatchObject({ type: 'recovered', policy: 'allow-local', reconciled: 2 });
      // The restarted server is empty (no persistence): what was settled before the kill is gone
      // with it. What the calls used after it is all there, once: the held settle (11 tokens, its
      // record lost with the data) and the local call (5 tokens).
      expect(await tokensUsed(store)).toEqual({ tokens: 16, reserved: 0, requests: 2 });
      // Nothing is applied twice when the store is asked again.
      await settle(store, held, 11);
      await settle(store, local[0] as LimitReserveRequest, 5);
      expect(await tokensUsed(store)).toEqual({ tokens: 16, reserved: 0, requests: 2 });
    });

    test("paused under 'allow-local': exact totals after resume, nothing lost or doubled", async () => {
      const { store, events } = await open(kind, 'allow-local');
      const before = reservation('before', 100);
      await store.reserve(before);
      server.pause();
      const during = Array.from({ length: 5 }, (_, index) => reservation(`during-${index}`, 100));
      for (const request of during) expect(await store.reserve(request)).toEqual({ granted: true });
      for (const request of during) await settle(store, request, 10);
      await settle(store, before, 7);
      await store.block({
        scope: 'provider:openai',
        limit: 'retryAfter',
        untilMs: clock.now() + MINUTE,
        nowMs: clock.now(),
      });
      expect((await store.read({ nowMs: clock.now() })).blocks).toHaveLength(1);

      server.resume();
      await waitFor(() => store.available, 'the store to recover');
      expect(events.map((event) => event.type)).toEqual(['unavailable', 'recovered']);
      expect(await tokensUsed(store)).toEqual({ tokens: 57, reserved: 0, requests: 6 });
      const shared = await store.read({ nowMs: clock.now(), scopes: ['provider:openai'] });
      expect(shared.blocks).toEqual([
        expect.objectContaining({ scope: 'provider:openai', limit: 'retryAfter' }),
      ]);
    });
  });
}
