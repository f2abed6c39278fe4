import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createSystemClock } from '../../src/clock/create-system-clock.ts';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import { createRedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import { describeWithServices, REDIS_URL } from '../helpers/services.ts';
import { type PrivateRedisServer, startPrivateRedisServer, waitFor } from './private-redis-server.ts';
import { connectTestClient, type TestClient, uniquePrefix } from './redis-test-clients.ts';

// Real OS processes on one Redis: each worker (limit-worker.ts) has its own client, store and
// rate limiter, as separate application instances would.

const describeRedis = await describeWithServices(['redis']);
const WORKER = fileURLToPath(new URL('./limit-worker.ts', import.meta.url));
const MINUTE = 60_000;

type Message = Record<string, unknown>;

interface Worker {
  readonly child: ChildProcess;
  /** The next message that has `field`, waiting up to `timeoutMs`. */
  next(field: string, timeoutMs?: number): Promise<Message>;
  send(line: string): void;
}

const workers: Worker[] = [];

function startWorker(settings: Record<string, unknown>): Worker {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: Message[] = [];
  const waiting = new Set<() => void>();
  const stdout = child.stdout;
  if (!stdout) throw new Error('worker has no stdout');
  createInterface({ input: stdout }).on('line', (line) => {
    messages.push(JSON.parse(line) as Message);
    for (const wake of waiting) wake();
  });
  const worker: Worker = {
    child,
    send: (line) => child.stdin?.write(`${line}\n`),
    next(field, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = messages.findIndex((message) => field in message);
          if (index === -1) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(messages.splice(index, 1)[0] as Message);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`worker sent no "${field}" within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
  };
  workers.push(worker);
  return worker;
}

/** Starts every worker, waits until all are connected, then lets them go at once. */
async function startAll(settings: Record<string, unknown>[]): Promise<Worker[]> {
  const started = settings.map(startWorker);
  await Promise.all(started.map((worker) => worker.next('ready', 60_000)));
  for (const worker of started) worker.send('go');
  return started;
}

/**
 * Shifts every worker's clock so that it starts one second into a minute: a burst never straddles
 * two requests-per-minute windows, however slow the machine is.
 */
function minuteAlignedShift(): number {
  const now = Date.now();
  return Math.floor(now / MINUTE) * MINUTE + 1_000 - now;
}

afterEach(() => {
  for (const worker of workers.splice(0)) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
});

describeRedis('limits on Redis across processes', () => {
  let connection: TestClient;
  const prefixes: string[] = [];
  const prefix = (name: string) => {
    const value = uniquePrefix(name);
    prefixes.push(value);
    return value;
  };

  beforeAll(async () => {
    connection = await connectTestClient('node-redis');
  });

  afterAll(async () => {
    for (const value of prefixes) await connection.clean(`{${value}}*`);
    await connection.close();
  });

  test('4 processes × 50 concurrent reserves: exactly the requests-per-minute limit is admitted', async () => {
    const keyPrefix = prefix('rpm');
    const clockShiftMs = minuteAlignedShift();
    const started = await startAll(
      [0, 1, 2, 3].map((index) => ({
        mode: 'burst',
        url: REDIS_URL,
        client: index % 2 === 0 ? 'node-redis' : 'ioredis',
        keyPrefix,
        clockShiftMs,
        limits: { 'provider:openai': { requestsPerMinute: 37 } },
        scopes: ['provider:openai', `user:worker-${index}`],
        calls: 50,
        tokens: 100,
        costUsd: 0.001,
      })),
    );
    const granted = await Promise.all(
      started.map(async (worker) => Number((await worker.next('granted')).granted)),
    );
    expect(granted.reduce((sum, count) => sum + count, 0)).toBe(37);
    await Promise.all(started.map((worker) => worker.next('settled')));

    const store = createRedisLimitStore({ client: connection.client, keyPrefix });
    const snapshot = await store.read({ nowMs: Date.now() + clockShiftMs, scopes: ['provider:openai'] });
    expect(snapshot.counters).toEqual([
      expect.objectContaining({ limit: 'requestsPerMinute', used: 37, reserved: 0 }),
    ]);
  });

  test('4 processes × 50 concurrent reserves on one USD budget: spend never passes it', async () => {
    const keyPrefix = prefix('budget');
    const clockShiftMs = minuteAlignedShift();
    const started = await startAll(
      [0, 1, 2, 3].map((index) => ({
        mode: 'burst',
        url: REDIS_URL,
        client: index % 2 === 0 ? 'ioredis' : 'node-redis',
        keyPrefix,
        clockShiftMs,
        limits: { 'user:shared': { budgetUsdPerDay: 1 } },
        scopes: [`provider:p${index}`, 'user:shared'],
        calls: 50,
        tokens: 100,
        costUsd: 0.03,
      })),
    );
    const granted = await Promise.all(
      started.map(async (worker) => Number((await worker.next('granted')).granted)),
    );
    // $1.00 at $0.03 a call: 33 calls ($0.99), and not one more.
    expect(granted.reduce((sum, count) => sum + count, 0)).toBe(33);
    await Promise.all(started.map((worker) => worker.next('settled')));

    const store = createRedisLimitStore({ client: connection.client, keyPrefix });
    const snapshot = await store.read({ nowMs: Date.now() + clockShiftMs, scopes: ['user:shared'] });
    expect(snapshot.counters).toEqual([
      expect.objectContaining({ limit: 'budgetUsdPerDay', used: 990_000, reserved: 0 }),
    ]);
  });

  test('a process killed while holding reservations: its budget comes back when the leases end', async () => {
    const keyPrefix = prefix('sigkill');
    const limits = { 'user:victim': { budgetUsdPerDay: 1 } };
    const [holder] = await startAll([
      {
        mode: 'hold',
        url: REDIS_URL,
        client: 'ioredis',
        keyPrefix,
        clockShiftMs: 0,
        limits,
        scopes: ['user:victim'],
        calls: 4,
        tokens: 100,
        costUsd: 0.25,
        leaseMs: 3_000,
      },
    ]);
    if (!holder) throw new Error('no worker');
    const held = await holder.next('held');
    expect(held.held).toBe(4);
    const leaseEnd = Number(held.expiresAt);

    const clock = createSystemClock();
    const store = createRedisLimitStore({ client: connection.client, keyPrefix });
    const limiter = createRateLimiter({ clock, store, limits });
    const request = { scopes: ['user:victim'], estimate: { tokens: 100, costUsd: 0.25 } };
    // The whole budget is held by the other process.
    expect((await limiter.reserve(request)).granted).toBe(false);

    const exited = new Promise((resolve) => holder.child.once('exit', resolve));
    holder.child.kill('SIGKILL');
    await exited;

    let freedAt = 0;
    await waitFor(async () => {
      const nowMs = clock.now();
      const [status] = await limiter.status(['user:victim']);
      if (status?.reserved !== 0) return false;
      freedAt = nowMs;
      return true;
    }, 'the dead process’s leases to end');
    // Given back by the lease's end, not earlier (the store compares with the caller's clock).
    expect(freedAt).toBeGreaterThanOrEqual(leaseEnd);
    const again = await Promise.all([1, 2, 3, 4].map(() => limiter.reserve(request)));
    expect(again.every((result) => result.granted)).toBe(true);
    expect((await limiter.reserve(request)).granted).toBe(false);
    for (const result of again) if (result.granted) await limiter.release(result.reservation);
  });

  describeRedis('with a private Redis paused mid-run', () => {
    let server: PrivateRedisServer;

    beforeAll(async () => {
      server = await startPrivateRedisServer();
    });

    afterAll(async () => {
      await server.close();
    });

    test('3 processes keep calling: each follows its policy, and the shared total is exactly what was used', async () => {
      const keyPrefix = prefix('steady');
      const base = {
        mode: 'steady',
        url: server.url,
        keyPrefix,
        clockShiftMs: minuteAlignedShift(),
        limits: { 'user:*': { tokensPerDay: 100_000_000 } },
        scopes: ['user:steady'],
        calls: 0,
        tokens: 10,
        costUsd: 0,
      };
      const started = await startAll([
        { ...base, client: 'node-redis', onUnavailable: 'allow-local' },
        { ...base, client: 'ioredis', onUnavailable: 'allow-local' },
        { ...base, client: 'node-redis', onUnavailable: 'refuse' },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      server.pause();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.resume();
      await new Promise((resolve) => setTimeout(resolve, 400));
      for (const worker of started) worker.send('stop');
      const results = await Promise.all(started.map((worker) => worker.next('granted')));

      for (const result of results) expect(result.events).toEqual(['unavailable', 'recovered']);
      // The refusing process refused while Redis was paused; the others went on, counting locally.
      expect(Number(results[2]?.refused)).toBeGreaterThan(0);
      const granted = results.reduce((sum, result) => sum + Number(result.granted), 0);
      expect(granted).toBeGreaterThan(0);

      const client = await connectTestClient('ioredis', server.url);
      try {
        const store = createRedisLimitStore({ client: client.client, keyPrefix });
        const snapshot = await store.read({ nowMs: Date.now() + base.clockShiftMs, scopes: ['user:steady'] });
        expect(snapshot.counters).toEqual([
          expect.objectContaining({ limit: 'tokensPerDay', used: granted * 10, reserved: 0 }),
        ]);
      } finally {
        await client.close();
      }
    });
  });
});
