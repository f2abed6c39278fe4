// Limits on Redis: round trips per attempt, time added per store call (p50, p99), and
// reserve-and-settle pairs per second from one process at 32 concurrent (with the CPU each pair
// costs the client and the server, to tell a slow store from a busy machine), through the rate limiter
// as the router uses it (provider, key and user scopes, every kind of window, the gateway's upstream
// scopes), with node-redis and with ioredis.
// Run: npm run bench:redis (REDIS_URL, default redis://127.0.0.1:6379; BENCH_PAIRS to scale).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createSystemClock } from '../src/clock/create-system-clock.ts';
import { createRateLimiter } from '../src/limits/create-rate-limiter.ts';
import { createRedisLimitStore } from '../src/redis/create-redis-limit-store.ts';
import { type RedisScriptAdapter, redisScriptAdapterOf } from '../src/redis/redis-script-adapter.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PAIRS = Number(process.env.BENCH_PAIRS ?? 20_000);
const SEQUENTIAL = Math.min(PAIRS, 3_000);
const CONCURRENCY = 32;
const BIG = 1e12;

const limits = {
  'provider:openai': {
    requestsPerMinute: BIG,
    tokensPerMinute: BIG,
    requestsPerDay: BIG,
    tokensPerDay: BIG,
    budgetUsdPerDay: 1e6,
    budgetUsdPerMonth: 1e6,
  },
  'key:*': { requestsPerMinute: BIG },
  'user:*': { budgetUsdPerDay: 1e6 },
};

const scopesOf = (index: number) => [
  'provider:openai',
  `key:k${index % 10}`,
  `user:u${index % 100}`,
  'gateway:litellm',
  'gateway:litellm/openai',
];

/** The Redis server's CPU time so far (user + system), from INFO cpu. */
async function serverCpuSeconds(): Promise<number> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  const info = await client.info('cpu');
  client.destroy();
  let seconds = 0;
  for (const match of info.matchAll(/^used_cpu_(?:user|sys):([\d.]+)/gm)) seconds += Number(match[1]);
  return seconds;
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

async function connect(kind: 'node-redis' | 'ioredis') {
  if (kind === 'node-redis') {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    return { client, close: async () => client.destroy() };
  }
  const client = new Redis(REDIS_URL);
  return { client, close: async () => client.disconnect() };
}

async function run(kind: 'node-redis' | 'ioredis') {
  const { client, close } = await connect(kind);
  const keyPrefix = `llm-router-bench:${randomUUID()}`;
  const inner = redisScriptAdapterOf(client);
  if (!inner) throw new Error('unsupported client');
  let roundTrips = 0;
  const adapter: RedisScriptAdapter = {
    evalsha: (sha, keys, args) => {
      roundTrips++;
      return inner.evalsha(sha, keys, args);
    },
    eval: (script, keys, args) => {
      roundTrips++;
      return inner.eval(script, keys, args);
    },
  };
  const store = createRedisLimitStore({ adapter, keyPrefix });
  const limiter = createRateLimiter({ clock: createSystemClock(), store, limits });
  const estimate = { tokens: 1_200, costUsd: 0.004 };
  const actual = { tokens: 900, costUsd: 0.003 };

  const pair = async (index: number) => {
    const result = await limiter.reserve({ scopes: scopesOf(index), estimate });
    if (!result.granted) throw new Error(`denied: ${result.denial.limit}`);
    await limiter.settle(result.reservation, actual);
  };

  // Warm-up: scripts cached on the server, connections and JIT warm.
  for (let index = 0; index < 300; index++) await pair(index);

  // One attempt at a time: what each store call adds, and round trips per attempt.
  const reserveMs: number[] = [];
  const settleMs: number[] = [];
  const tripsBefore = roundTrips;
  for (let index = 0; index < SEQUENTIAL; index++) {
    let start = performance.now();
    const result = await limiter.reserve({ scopes: scopesOf(index), estimate });
    reserveMs.push(performance.now() - start);
    if (!result.granted) throw new Error('denied');
    start = performance.now();
    await limiter.settle(result.reservation, actual);
    settleMs.push(performance.now() - start);
  }
  const tripsPerAttempt = (roundTrips - tripsBefore) / SEQUENTIAL;
  const calls = [...reserveMs, ...settleMs].sort((a, b) => a - b);
  reserveMs.sort((a, b) => a - b);
  settleMs.sort((a, b) => a - b);

  // 32 concurrent, from this one process; CPU of this process and of the Redis server per pair
  // (the server's includes anything else it serves meanwhile).
  const serverCpuBefore = await serverCpuSeconds();
  const clientCpuBefore = process.cpuUsage();
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < PAIRS) await pair(next++);
    }),
  );
  const pairsPerSecond = PAIRS / ((performance.now() - start) / 1_000);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const clientCpuPerPairUs = (clientCpu.user + clientCpu.system) / PAIRS;
  const serverCpuPerPairUs = (((await serverCpuSeconds()) - serverCpuBefore) * 1e6) / PAIRS;

  await store.close();
  // Clean up the benchmark's keys.
  const cleaner = createClient({ url: REDIS_URL });
  await cleaner.connect();
  for await (const batch of cleaner.scanIterator({ MATCH: `{${keyPrefix}}*`, COUNT: 1_000 })) {
    if (batch.length > 0) await cleaner.del(batch);
  }
  cleaner.destroy();
  await close();

  return {
    client: kind,
    'round trips / attempt': tripsPerAttempt.toFixed(3),
    'p50 per call (ms)': percentile(calls, 0.5).toFixed(3),
    'p99 per call (ms)': percentile(calls, 0.99).toFixed(3),
    'reserve p50 (ms)': percentile(reserveMs, 0.5).toFixed(3),
    'settle p50 (ms)': percentile(settleMs, 0.5).toFixed(3),
    [`pairs/s at ${CONCURRENCY}`]: Math.round(pairsPerSecond),
    'client CPU µs / pair': Math.round(clientCpuPerPairUs),
    'Redis CPU µs / pair': Math.round(serverCpuPerPairUs),
  };
}

const results = [];
for (const kind of ['node-redis', 'ioredis'] as const) results.push(await run(kind));
console.log(`Redis limits: ${SEQUENTIAL} sequential attempts, ${PAIRS} pairs at ${CONCURRENCY} concurrent`);
console.table(results);
