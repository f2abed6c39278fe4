import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { describeWithServices, REDIS_URL } from '../helpers/services.ts';
import { uniquePrefix } from './redis-test-clients.ts';

// The built package, as a consumer loads it (self-reference by name resolves to dist/ through the
// `exports` map; npm test builds first).
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const describeRedis = await describeWithServices(['redis']);

test('the root entry loads neither redis nor ioredis', async () => {
  const script = `
require('@bestviable/llm-router');
const loaded = Object.keys(require.cache).filter((path) => /node_modules[\\\\/](redis|ioredis|@redis|@ioredis)[\\\\/]/.test(path));
console.log(JSON.stringify(loaded));`;
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: root });
  expect(JSON.parse(stdout.trim())).toEqual([]);
});

describeRedis('@bestviable/llm-router/redis from dist', () => {
  const body = (load: string, keyPrefix: string) => `
${load}
const client = new Redis(${JSON.stringify(REDIS_URL)});
const store = createRedisLimitStore({ client, keyPrefix: ${JSON.stringify(keyPrefix)} });
const clock = { now: () => Date.now(), setTimer: (callback, ms) => { const t = setTimeout(callback, ms); return { cancel: () => clearTimeout(t) }; } };
const limiter = limits.createRateLimiter({ clock, store, limits: { 'user:dist': { requestsPerMinute: 1 } } });
const request = { scopes: ['user:dist'], estimate: { tokens: 1, costUsd: 0 } };
const first = await limiter.reserve(request);
const second = await limiter.reserve(request);
if (first.granted) await limiter.release(first.reservation);
await store.close();
await client.del(...(await client.keys(${JSON.stringify(`{${keyPrefix}}*`)})));
client.disconnect();
console.log(JSON.stringify({ first: first.granted, second: second.granted, error: typeof LimitStoreError.isInstance }));
`;

  test.each([
    [
      'import',
      "const main = await import('@bestviable/llm-router'); const limits = await import('@bestviable/llm-router/limits'); const { createRedisLimitStore, LimitStoreError } = await import('@bestviable/llm-router/redis'); const { Redis } = await import('ioredis');",
    ],
    [
      'require',
      "const main = require('@bestviable/llm-router'); const limits = require('@bestviable/llm-router/limits'); const { createRedisLimitStore, LimitStoreError } = require('@bestviable/llm-router/redis'); const { Redis } = require('ioredis'); (async () => {",
    ],
  ])('loads with %s and limits calls on Redis', async (how, load) => {
    const source = body(load, uniquePrefix(`dist-${how}`));
    const script =
      how === 'require'
        ? `${source}})().catch((error) => { console.error(error); process.exit(1); });`
        : source;
    const args = how === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args, { cwd: root });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      first: true,
      second: false,
      error: 'function',
    });
  });
});
