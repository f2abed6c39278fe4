// A worker process for the multi-process tests: a rate limiter on a shared Redis limit store.
// Run: node test/redis/limit-worker.ts <json settings>. Talks in JSON lines: it writes
// {"ready":true} once connected, waits for a "go" line on stdin, then runs its mode and writes
// its result line. Modes:
// - burst: `calls` reserves at once; reports how many were granted, then settles them (actual =
//   estimate) and reports again.
// - hold: `calls` reserves with a short lease, reports their lease ends, then hangs (to be killed).
// - steady: calls one after another (reserve, then settle `tokens`) until a "stop" line; reports
//   the totals and the store's availability events once everything held was applied.
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createRateLimiter } from '../../src/limits/create-rate-limiter.ts';
import type { Reservation } from '../../src/limits/rate-limiter.ts';
import { createRedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import type { RedisUnavailablePolicy } from '../../src/redis/redis-limit-store-settings.ts';
import type { Clock } from '../../src/types/clock.ts';
import type { LimitSettings } from '../../src/types/limit-settings.ts';

interface WorkerSettings {
  readonly mode: 'burst' | 'hold' | 'steady';
  readonly url: string;
  readonly client: 'node-redis' | 'ioredis';
  readonly keyPrefix: string;
  /** Added to Date.now(): every worker of a test shares it, so all see the same minute. */
  readonly clockShiftMs: number;
  readonly limits: Readonly<Record<string, LimitSettings>>;
  readonly scopes: readonly string[];
  readonly calls: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly leaseMs?: number;
  readonly onUnavailable?: RedisUnavailablePolicy;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const clock: Clock = {
  now: () => Date.now() + settings.clockShiftMs,
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

async function connect() {
  if (settings.client === 'node-redis') {
    const client = createClient({ url: settings.url });
    client.on('error', () => {});
    await client.connect();
    return client;
  }
  const client = new Redis(settings.url, { lazyConnect: true });
  client.on('error', () => {});
  await client.connect();
  return client;
}

const client = await connect();
const store = createRedisLimitStore({
  client,
  keyPrefix: settings.keyPrefix,
  timeoutMs: 250,
  retryIntervalMs: 50,
  onUnavailable: settings.onUnavailable ?? 'refuse',
});
const limiter = createRateLimiter({
  clock,
  store,
  limits: settings.limits,
  ...(settings.leaseMs === undefined ? {} : { reservationTimeoutMs: settings.leaseMs }),
});
const request = { scopes: settings.scopes, estimate: { tokens: settings.tokens, costUsd: settings.costUsd } };
const actual = { tokens: settings.tokens, costUsd: settings.costUsd };

const events: string[] = [];
store.subscribe((event) => events.push(event.type));

let stopped = false;
const go = new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'go') resolve();
    if (line.trim() === 'stop') stopped = true;
  });
});
say({ ready: true });
await go;

if (settings.mode === 'burst') {
  const results = await Promise.all(Array.from({ length: settings.calls }, () => limiter.reserve(request)));
  const granted = results.flatMap((result) => (result.granted ? [result.reservation] : []));
  say({ granted: granted.length });
  await Promise.all(granted.map((reservation) => limiter.settle(reservation, actual)));
  say({ settled: granted.length });
} else if (settings.mode === 'hold') {
  const held: Reservation[] = [];
  for (let index = 0; index < settings.calls; index++) {
    const result = await limiter.reserve(request);
    if (result.granted) held.push(result.reservation);
  }
  say({ held: held.length, expiresAt: Math.max(...held.map((reservation) => reservation.expiresAt)) });
  // Hold them until killed.
  await new Promise(() => setInterval(() => {}, 60_000));
} else {
  let granted = 0;
  let refused = 0;
  while (!stopped) {
    const result = await limiter.reserve(request).catch(() => undefined);
    if (result?.granted) {
      granted++;
      await limiter.settle(result.reservation, actual);
    } else refused++;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // Everything held is applied before the totals are reported.
  while (store.pending > 0 || !store.available) await new Promise((resolve) => setTimeout(resolve, 20));
  await store.close();
  say({ granted, refused, events });
}
process.exit(0);
