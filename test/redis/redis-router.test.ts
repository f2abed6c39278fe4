import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { AllCandidatesFailedError, createRouter, LimitExceededError, type Router } from '../../src/index.ts';
import { createRedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import {
  type ChatServer,
  createFakeClock,
  startLiteLLMServer,
  startOpenRouterServer,
} from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { hello, LITELLM_KEY, OPENROUTER_KEY } from '../helpers/gateways.ts';
import { describeWithServices } from '../helpers/services.ts';
import { type PrivateRedisServer, startPrivateRedisServer, waitFor } from './private-redis-server.ts';
import { type ClientKind, connectTestClient, type TestClient, uniquePrefix } from './redis-test-clients.ts';

// Two routers, each with its own Redis client and store on one key prefix: two processes as far
// as the limits are concerned. Both talk to the same loopback LiteLLM and OpenRouter servers.

const describeRedis = await describeWithServices(['redis']);

let litellm: ChatServer;
let openrouter: ChatServer;
const connections: TestClient[] = [];
const routers: Router[] = [];

afterEach(async () => {
  for (const router of routers.splice(0)) await router.close();
  for (const connection of connections.splice(0)) {
    await connection.clean(`{llm-router-test:router:*`);
    await connection.close();
  }
  litellm?.clearFaults();
});

async function twoRouters(
  options: { kinds?: [ClientKind, ClientKind]; url?: string; timeoutMs?: number } = {},
) {
  const clock = createFakeClock(Date.now());
  const keyPrefix = uniquePrefix('router');
  const make = async (kind: ClientKind) => {
    const connection = await connectTestClient(kind, options.url);
    connections.push(connection);
    const store = createRedisLimitStore({
      client: connection.client,
      keyPrefix,
      timeoutMs: options.timeoutMs ?? 1_000,
      retryIntervalMs: 50,
    });
    const router = createRouter({
      clock,
      logger: false,
      gateways: {
        litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY },
        openrouter: { baseURL: openrouter.baseURL, apiKey: OPENROUTER_KEY },
      },
      providers: { openai: { limits: { requestsPerMinute: 1_000 } } },
      limits: { store },
    });
    routers.push(router);
    return { router, store };
  };
  const [kindA, kindB] = options.kinds ?? ['node-redis', 'ioredis'];
  return { clock, a: await make(kindA), b: await make(kindB) };
}

const lastOne = {
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'openai/gpt-5.4-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'last one' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

describeRedis('routers sharing limits on Redis', () => {
  beforeAll(async () => {
    litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY });
    openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY });
  });

  afterAll(async () => {
    await litellm.close();
    await openrouter.close();
  });

  test("a 429's Retry-After seen by one process keeps the other off that candidate until then", async () => {
    const { clock, a, b } = await twoRouters();
    litellm.fail({
      status: 429,
      headers: { 'retry-after': '30' },
      body: {
        error: { message: 'Rate limit reached for gpt-5.4-mini', type: 'rate_limit_error', code: '429' },
      },
    });
    expect((await a.router.chat(hello)).route.gateway).toBe('openrouter');
    const seenByLiteLLM = litellm.chatCount;

    const reached = collect(b.router, 'limit-reached');
    expect((await b.router.chat(hello)).route.gateway).toBe('openrouter');
    // The other process did not even try LiteLLM: the shared block refused it before the call.
    expect(litellm.chatCount).toBe(seenByLiteLLM);
    expect(reached[0]).toMatchObject({
      limit: 'retryAfter',
      scope: expect.stringMatching(/^gateway:litellm/),
    });
    const status = await b.router.limits.status();
    expect(status).toContainEqual(expect.objectContaining({ limit: 'retryAfter', kind: 'rate' }));

    await clock.advance(30_000);
    expect((await b.router.chat(hello)).route.gateway).toBe('litellm');
  });

  test('x-ratelimit-remaining-requests: 0 seen by one process takes the candidate out of use in both', async () => {
    const { clock, a, b } = await twoRouters({ kinds: ['ioredis', 'node-redis'] });
    litellm.fail({
      status: 200,
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20s' },
      body: lastOne,
    });
    expect((await a.router.chat(hello)).text).toBe('last one');
    const seenByLiteLLM = litellm.chatCount;
    expect((await b.router.chat(hello)).route.gateway).toBe('openrouter');
    expect(litellm.chatCount).toBe(seenByLiteLLM);
    await clock.advance(20_000);
    expect((await b.router.chat(hello)).route.gateway).toBe('litellm');
  });

  test('router.limits.status() shows what every process used', async () => {
    const { a, b } = await twoRouters();
    await a.router.chat(hello);
    await a.router.chat(hello);
    await b.router.chat(hello);
    for (const router of [a.router, b.router]) {
      const [rpm] = await router.limits.status(['provider:openai']);
      expect(rpm).toMatchObject({ limit: 'requestsPerMinute', used: 3, reserved: 0, remaining: 997 });
    }
  });

  test('router.limits.set() through one process applies in the other, removal too', async () => {
    const { clock, a, b } = await twoRouters();
    const call = { ...hello, user: 'u1' };
    await b.router.chat(call);
    a.router.limits.set('user:u1', { requestsPerMinute: 2 });
    const shared = async () => (await a.store.readLimits()).find((entry) => entry.scope === 'user:u1');
    await waitFor(async () => (await shared())?.limits?.requestsPerMinute === 2, 'the limit to reach Redis');
    await clock.advance(1_000);
    await b.router.chat(call);
    await b.router.chat(call);
    const error = await b.router.chat(call).catch((caught: unknown) => caught);
    expect(LimitExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ scope: 'user:u1', limit: 'requestsPerMinute', size: 2 });

    a.router.limits.set('user:u1', undefined);
    await waitFor(async () => {
      const entry = await shared();
      return entry !== undefined && entry.limits === undefined;
    }, 'the removal to reach Redis');
    await clock.advance(1_000);
    expect((await b.router.chat(call)).text).toBeTruthy();
  });

  describeRedis('with a private Redis', () => {
    let server: PrivateRedisServer;

    beforeAll(async () => {
      server = await startPrivateRedisServer();
    });

    afterAll(async () => {
      await server.close();
    });

    test('Redis paused: the router emits limit-store-unavailable, refuses clearly, then limit-store-recovered', async () => {
      const { a } = await twoRouters({ url: server.url, timeoutMs: 250 });
      const down = collect(a.router, 'limit-store-unavailable');
      const up = collect(a.router, 'limit-store-recovered');
      await a.router.chat(hello);

      server.pause();
      try {
        const error = await a.router.chat(hello).catch((caught: unknown) => caught);
        // Every candidate was refused, saying why; the store's typed error is each refusal's cause
        // (kept as a redacted summary, as every attempt error's cause is).
        expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
        const attempts = (error as AllCandidatesFailedError).attempts;
        expect(attempts.length).toBeGreaterThan(0);
        for (const attempt of attempts) {
          expect(attempt.error).toMatchObject({
            kind: 'limit-exceeded',
            message: expect.stringMatching(/Redis limit store is unavailable.*onUnavailable: 'refuse'/),
            cause: expect.objectContaining({ name: 'LimitStoreError' }),
          });
        }
        expect(down).toEqual([expect.objectContaining({ store: 'redis', policy: 'refuse' })]);
      } finally {
        server.resume();
      }
      await waitFor(() => up.length === 1, 'limit-store-recovered');
      expect(up[0]).toMatchObject({ store: 'redis', policy: 'refuse' });
      expect((await a.router.chat(hello)).text).toBeTruthy();
    });
  });
});
