import { describe, expect, test } from 'vitest';
import { type BreakerEvent, createRouter, type FallbackEvent } from '../../src/index.ts';
import {
  createFakeClock,
  createFakeTransport,
  type FakeClock,
  type FakeReply,
} from '../../src/testing/index.ts';
import { drive } from '../helpers/drive.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

function fakeRouter(clock: FakeClock, litellmReplies: FakeReply[] = []) {
  const litellm = createFakeTransport({ gateway: 'litellm', clock, replies: litellmReplies });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
  const router = createRouter({
    clock,
    logger: false,
    transports: { litellm, openrouter },
    retry: { maxRetries: 0 },
    breaker: { volumeThreshold: 4, errorThresholdPercent: 50, resetTimeoutMs: 30_000, probeIntervalMs: 0 },
  });
  const events: { name: string; event: BreakerEvent }[] = [];
  for (const name of ['breaker-open', 'breaker-half-open', 'breaker-close'] as const) {
    router.on(name, (event) => events.push({ name, event }));
  }
  return { router, litellm, openrouter, events };
}

const refused: FakeReply = { error: 'connection-refused' };

describe('circuit breakers (opossum, on the router clock)', () => {
  test('opens after the threshold, skips LiteLLM while open, half-opens after resetTimeoutMs and closes on a good probe', async () => {
    const clock = createFakeClock();
    const { router, litellm, openrouter, events } = fakeRouter(clock, [refused, refused, refused, refused]);
    const fallbacks: FallbackEvent[] = [];
    router.on('fallback', (event) => fallbacks.push(event));

    for (let call = 0; call < 4; call++) await router.chat(hello);
    expect(events.map((entry) => `${entry.name} ${entry.event.name}`)).toEqual(['breaker-open litellm']);
    expect(events[0]?.event).toMatchObject({ gateway: 'litellm', state: 'open', retryAfterMs: 30_000 });

    // Open: LiteLLM is not called at all; the call goes straight to OpenRouter, reported as a fallback.
    const whileOpen = await router.chat(hello);
    expect(litellm.calls).toHaveLength(4);
    expect(whileOpen.route.gateway).toBe('openrouter');
    expect(whileOpen.attempts[0]).toMatchObject({
      outcome: 'skipped',
      tries: 0,
      error: { kind: 'breaker-open' },
    });
    expect(fallbacks.at(-1)).toMatchObject({
      reason: 'breaker-open',
      from: { gateway: 'litellm' },
      to: { gateway: 'openrouter' },
    });

    await clock.advance(29_999);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')?.state).toBe('open');
    await clock.advance(1);
    expect(events.at(-1)).toMatchObject({
      name: 'breaker-half-open',
      event: { name: 'litellm', state: 'half-open' },
    });

    // The probe call goes to LiteLLM (now healthy) and closes the breaker.
    const probe = await router.chat(hello);
    expect(probe.route.gateway).toBe('litellm');
    expect(events.at(-1)).toMatchObject({
      name: 'breaker-close',
      event: { name: 'litellm', state: 'closed' },
    });
    expect(openrouter.calls.length).toBe(5);
  });

  test('a failed half-open probe opens the breaker again for another resetTimeoutMs', async () => {
    const clock = createFakeClock();
    const { router, litellm, events } = fakeRouter(clock, [refused, refused, refused, refused]);
    for (let call = 0; call < 4; call++) await router.chat(hello);
    await clock.advance(30_000);
    litellm.enqueue(refused);
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('openrouter');
    expect(events.map((entry) => entry.name)).toEqual(['breaker-open', 'breaker-half-open', 'breaker-open']);
    await clock.advance(29_000);
    await router.chat(hello);
    expect(litellm.calls).toHaveLength(5); // still skipped
  });

  test('caller errors (400) never count toward opening the breaker', async () => {
    const clock = createFakeClock();
    const rejected: FakeReply = { error: 'invalid-request', status: 400 };
    const { router, events } = fakeRouter(
      clock,
      Array.from({ length: 10 }, () => rejected),
    );
    for (let call = 0; call < 10; call++) await router.chat(hello).catch(() => undefined);
    expect(events).toHaveLength(0);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')).toMatchObject({
      state: 'closed',
      failures: 0,
    });
  });

  test('a provider failing behind a healthy proxy opens only the gateway × provider breaker', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      fallback: (call): FakeReply =>
        call.provider === 'anthropic' ? { error: 'unavailable', status: 503, scope: 'provider' } : {},
    });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm, openrouter },
      breaker: { volumeThreshold: 4, probeIntervalMs: 0 },
    });
    const claude = { model: 'anthropic/claude-haiku-4-5', messages: hello.messages };
    for (let call = 0; call < 4; call++) await router.chat(claude);
    await router.chat(hello);
    const states = Object.fromEntries(router.breakers().map((breaker) => [breaker.name, breaker.state]));
    expect(states).toMatchObject({
      litellm: 'closed',
      'litellm/anthropic': 'open',
      'litellm/openai': 'closed',
    });
    const callsBefore = litellm.calls.length;
    expect((await router.chat(claude)).route.gateway).toBe('openrouter');
    expect((await router.chat(hello)).route.gateway).toBe('litellm');
    expect(litellm.calls.length).toBe(callsBefore + 1);
  });

  test('after a busy healthy spell, failures in a row open the breaker without waiting for the percentage', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm, openrouter },
      retry: { maxRetries: 0 },
      breaker: { consecutiveFailures: 5, probeIntervalMs: 0 },
    });
    for (let call = 0; call < 100; call++) await router.chat(hello);
    litellm.enqueue(refused, refused, refused, refused);
    for (let call = 0; call < 4; call++) await router.chat(hello);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')?.state).toBe('closed'); // 4 of 104: 4 %
    litellm.enqueue(refused);
    await router.chat(hello);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')?.state).toBe('open');
    const callsBefore = litellm.calls.length;
    await router.chat(hello);
    expect(litellm.calls.length).toBe(callsBefore);
  });

  test('a success in between resets the count of failures in a row', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm, openrouter },
      retry: { maxRetries: 0 },
      breaker: { consecutiveFailures: 3, probeIntervalMs: 0 },
    });
    for (let call = 0; call < 50; call++) await router.chat(hello);
    litellm.enqueue(refused, refused, {}, refused, refused, {});
    for (let call = 0; call < 6; call++) await router.chat(hello);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')?.state).toBe('closed');
  });

  test('statistics roll off the window: old failures stop counting', async () => {
    const clock = createFakeClock();
    const { router, events } = fakeRouter(clock, [refused, refused, refused]);
    for (let call = 0; call < 3; call++) await router.chat(hello);
    await clock.advance(11_000); // past the 10 s rolling window
    await router.chat(hello);
    const litellm = router.breakers().find((breaker) => breaker.name === 'litellm');
    expect(litellm).toMatchObject({ state: 'closed', failures: 0, fires: 1 });
    expect(events).toHaveLength(0);
  });

  test('with every breaker open and nothing else left, the call fails fast saying when to retry', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock, fallback: refused });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm },
      retry: { maxRetries: 0 },
      breaker: { volumeThreshold: 2, probeIntervalMs: 0 },
    });
    for (let call = 0; call < 2; call++) await router.chat(hello).catch(() => undefined);
    await clock.advance(10_000);
    const error = (await router.chat(hello).catch((caught: unknown) => caught)) as {
      retryAfterMs?: number;
      name: string;
    };
    expect(error.name).toBe('AllCandidatesFailedError');
    expect(error.retryAfterMs).toBe(20_000);
    expect(litellm.calls).toHaveLength(2);
  });
});

describe('breakers against the loopback servers', () => {
  test('LiteLLM taken down opens the breaker; a /health/liveliness probe lets calls back once it returns', async () => {
    const { router, litellm, clock } = await startGateways({
      breaker: { volumeThreshold: 3, resetTimeoutMs: 60_000, probeIntervalMs: 5_000 },
      retry: { maxRetries: 0 },
    });
    const events: string[] = [];
    for (const name of ['breaker-open', 'breaker-half-open', 'breaker-close'] as const) {
      router.on(name, (event) => events.push(`${name} ${event.name}`));
    }
    await litellm.down();
    for (let call = 0; call < 3; call++) await drive(clock, router.chat(hello));
    expect(events).toEqual(['breaker-open litellm']);

    // Still down: the probe fails and the breaker stays open.
    await clock.advance(5_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events).toEqual(['breaker-open litellm']);

    await litellm.up();
    const probesBefore = litellm.requests.filter((request) => request.path === '/health/liveliness').length;
    await clock.advance(5_000);
    for (let round = 0; round < 400 && events.length < 2; round++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(litellm.requests.filter((request) => request.path === '/health/liveliness').length).toBe(
      probesBefore + 1,
    );
    expect(events).toEqual(['breaker-open litellm', 'breaker-half-open litellm']);

    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('litellm');
    expect(events.at(-1)).toBe('breaker-close litellm');
  });
});
