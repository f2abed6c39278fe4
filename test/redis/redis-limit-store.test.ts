import { createClient } from 'redis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { LimitStoreError } from '../../src/limits/limit-store-error.ts';
import { createRedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import type { RedisScriptAdapter } from '../../src/redis/redis-script-adapter.ts';
import type { LimitReserveRequest } from '../../src/types/limit-store.ts';
import { describeWithServices, REDIS_URL } from '../helpers/services.ts';
import { type PrivateRedisServer, startPrivateRedisServer } from './private-redis-server.ts';
import { type ClientKind, connectTestClient, type TestClient, uniquePrefix } from './redis-test-clients.ts';

const describeRedis = await describeWithServices(['redis']);
const MINUTE = 60_000;
const DAY = 86_400_000;

/** A call counted in a minute window and a month-long budget of `user:u1`, as of `nowMs`. */
function reservation(id: string, nowMs = Date.now()): LimitReserveRequest {
  const minute = Math.floor(nowMs / MINUTE) * MINUTE;
  const day = Math.floor(nowMs / DAY) * DAY;
  return {
    reservationId: id,
    nowMs,
    expiresAtMs: nowMs + 5 * MINUTE,
    scopes: [
      {
        scope: 'user:u1',
        amounts: { requests: 1, tokens: 100, costMicroUsd: 2_000 },
        windows: [
          {
            limit: 'requestsPerMinute',
            metric: 'requests',
            windowStartMs: minute,
            windowEndMs: minute + MINUTE,
            size: 10,
          },
          {
            limit: 'budgetUsdPerDay',
            metric: 'costMicroUsd',
            windowStartMs: day,
            windowEndMs: day + DAY,
            size: 1_000_000,
          },
        ],
      },
    ],
  };
}

describeRedis('createRedisLimitStore()', () => {
  let connection: TestClient;
  const prefixes: string[] = [];
  const prefix = (name: string) => {
    const value = uniquePrefix(name);
    prefixes.push(value);
    return value;
  };

  beforeAll(async () => {
    connection = await connectTestClient('ioredis');
  });

  afterAll(async () => {
    for (const value of prefixes) await connection.clean(`{${value}}*`);
    await connection.close();
  });

  test('every key is under {keyPrefix} (one Cluster slot) and expires after what it guards', async () => {
    const keyPrefix = prefix('ttl');
    const store = createRedisLimitStore({ client: connection.client, keyPrefix });
    const nowMs = Date.now();
    await store.reserve(reservation('a', nowMs));
    await store.reserve(reservation('b', nowMs));
    await store.release({ reservationId: 'a', nowMs });
    await store.block({ scope: 'provider:openai', limit: 'retryAfter', untilMs: nowMs + 30_000, nowMs });
    await store.writeLimits({ scope: 'user:u1', limits: { requestsPerMinute: 10 } });

    const keys = await connection.keys(`*${keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(5);
    const client = connection.client as unknown as { pttl(key: string): Promise<number> };
    for (const key of keys) {
      expect(key.startsWith(`{${keyPrefix}}:`)).toBe(true);
      const ttl = await client.pttl(key);
      if (key.endsWith(':limits') || key.endsWith(':limits:version') || key.endsWith(':epoch')) {
        // Limits set at run time are configuration, kept until changed; the epoch is one short id.
        expect(ttl).toBe(-1);
        continue;
      }
      expect(ttl, key).toBeGreaterThan(0);
      // Nothing outlives the longest window it counts in (a day here) by more than the margin.
      expect(ttl, key).toBeLessThanOrEqual(DAY + 60_000);
    }
    // A scope with only a 30 s upstream block goes 30 s (and the margin) later.
    expect(await client.pttl(`{${keyPrefix}}:s:provider:openai`)).toBeLessThanOrEqual(30_000 + 60_000);
  });

  test('the scripts are loaded again after the server forgot them (NOSCRIPT), with both clients', async () => {
    const server: PrivateRedisServer = await startPrivateRedisServer();
    try {
      for (const kind of ['node-redis', 'ioredis'] as const satisfies readonly ClientKind[]) {
        const own = await connectTestClient(kind, server.url);
        try {
          const store = createRedisLimitStore({ client: own.client, keyPrefix: prefix('noscript') });
          // One instant for the whole test, so both reservations are in one minute window.
          const nowMs = Date.now();
          expect(await store.reserve(reservation('first', nowMs))).toEqual({ granted: true });
          const flush = createClient({ url: server.url });
          await flush.connect();
          await flush.scriptFlush();
          flush.destroy();
          expect(await store.reserve(reservation('second', nowMs))).toEqual({ granted: true });
          const snapshot = await store.read({ nowMs });
          expect(snapshot.counters.find((counter) => counter.limit === 'requestsPerMinute')).toMatchObject({
            reserved: 2,
          });
          expect(store.available).toBe(true);
        } finally {
          await own.close();
        }
      }
    } finally {
      await server.close();
    }
  });

  test('any other client works through an adapter of two functions', async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    try {
      const send = (command: string, body: string, keys: readonly string[], args: readonly string[]) =>
        client.sendCommand([command, body, String(keys.length), ...keys, ...args]);
      const adapter: RedisScriptAdapter = {
        evalsha: (sha, keys, args) => send('EVALSHA', sha, keys, args),
        eval: (script, keys, args) => send('EVAL', script, keys, args),
      };
      const store = createRedisLimitStore({ adapter, keyPrefix: prefix('adapter') });
      const request = reservation('r1');
      expect(await store.reserve(request)).toEqual({ granted: true });
      await store.release({ reservationId: 'r1', nowMs: request.nowMs });
      const snapshot = await store.read({ nowMs: request.nowMs, scopes: ['user:u1'] });
      expect(snapshot.counters.map(({ limit, reserved }) => ({ limit, reserved }))).toEqual([
        { limit: 'requestsPerMinute', reserved: 0 },
        { limit: 'budgetUsdPerDay', reserved: 0 },
      ]);
    } finally {
      client.destroy();
    }
  });

  test("data of another application under the prefix is a 'rejected' error, not an outage", async () => {
    const keyPrefix = prefix('foreign');
    const client = connection.client as unknown as { set(key: string, value: string): Promise<unknown> };
    await client.set(`{${keyPrefix}}:s:user:u1`, 'x');
    const store = createRedisLimitStore({ client: connection.client, keyPrefix });
    const error = await store.reserve(reservation('r1')).catch((caught: unknown) => caught);
    expect(LimitStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'rejected', operation: 'reserve', isRetryable: false });
    expect((error as Error).message).toMatch(/WRONGTYPE.*keyPrefix/s);
    expect(store.available).toBe(true);
  });

  test('bad settings name the setting and what to pass', () => {
    const bad = (settings: unknown) => {
      try {
        createRedisLimitStore(settings as never);
      } catch (error) {
        expect(InvalidSettingsError.isInstance(error)).toBe(true);
        return (error as InvalidSettingsError).issues.map((issue) => `${issue.setting}: ${issue.problem}`);
      }
      throw new Error('expected InvalidSettingsError');
    };
    expect(bad({})).toEqual([expect.stringMatching(/^client: expected `client`.*or `adapter`/)]);
    expect(bad({ client: { get() {} } })).toEqual([
      expect.stringMatching(/^client: expected a node-redis client/),
    ]);
    expect(bad({ client: connection.client, keyPrefix: 'a{b}' })).toEqual([
      expect.stringMatching(/^keyPrefix: expected no \{ or \}/),
    ]);
    expect(bad({ client: connection.client, timeoutMs: 0 })).toEqual([expect.stringMatching(/^timeoutMs:/)]);
    expect(bad({ client: connection.client, onUnavailable: 'ignore' })).toEqual([
      expect.stringMatching(/^onUnavailable:/),
    ]);
    expect(bad({ client: connection.client, adapter: { evalsha() {}, eval() {} } })).toEqual([
      expect.stringMatching(/^adapter: give `client` or `adapter`, not both/),
    ]);
    expect(bad({ client: connection.client, keyprefix: 'x' })).toEqual([
      expect.stringMatching(/^keyprefix: unknown setting/),
    ]);
  });

  test('a process whose clock lags counts in the window another already opened, never resetting it', async () => {
    const store = createRedisLimitStore({ client: connection.client, keyPrefix: prefix('skew') });
    const next = (Math.floor(Date.now() / MINUTE) + 1) * MINUTE;
    const ahead = reservation('ahead', next + 100);
    // 50 ms behind, still in the previous minute by its own clock.
    const behind = (id: string) => reservation(id, next - 50);
    expect(await store.reserve(ahead)).toEqual({ granted: true });
    expect(await store.reserve(behind('behind-1'))).toEqual({ granted: true });
    const snapshot = await store.read({ nowMs: next + 200, scopes: ['user:u1'] });
    expect(snapshot.counters.find((counter) => counter.limit === 'requestsPerMinute')).toMatchObject({
      windowStartMs: next,
      reserved: 2,
    });
    // 10 a minute: 8 more fit in that one window, whichever clock asks.
    for (let index = 0; index < 8; index++) {
      expect((await store.reserve(behind(`behind-${index + 2}`))).granted).toBe(true);
    }
    expect((await store.reserve(reservation('late', next + 300))).granted).toBe(false);
    // Settling into it from the lagging clock counts in it too.
    await store.settle({
      reservationId: 'behind-1',
      nowMs: next - 40,
      expiresAtMs: next + 5 * MINUTE,
      entries: [
        {
          scope: 'user:u1',
          limit: 'requestsPerMinute',
          metric: 'requests',
          windowStartMs: next - MINUTE,
          windowEndMs: next,
          amount: 1,
        },
      ],
      actual: { requests: 1, tokens: 50, costMicroUsd: 1_000 },
    });
    const after = await store.read({ nowMs: next + 400, scopes: ['user:u1'] });
    expect(after.counters.find((counter) => counter.limit === 'requestsPerMinute')).toMatchObject({
      windowStartMs: next,
      used: 1,
      reserved: 9,
    });
  });

  test('after close() the store refuses with reason closed', async () => {
    const store = createRedisLimitStore({ client: connection.client, keyPrefix: prefix('closed') });
    await store.close();
    await expect(store.reserve(reservation('r1'))).rejects.toMatchObject({ reason: 'closed' });
  });
});
