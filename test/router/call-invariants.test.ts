// What holds for every call whatever goes wrong around it: no secret in a cause chain, listeners that
// throw, streams read twice or left early, breakers that count each failure once, one call never
// fanning out, 400s that are the gateway's fault, and options and timers that clean up.
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  createSystemClock,
  InvalidRequestError,
  type StreamPart,
} from '../../src/index.ts';
import {
  createFakeClock,
  createFakeTransport,
  type FakeReply,
  startChatServer,
} from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import {
  createMemoryLogger,
  hello,
  LITELLM_KEY,
  OPENROUTER_KEY,
  startGateways,
} from '../helpers/gateways.ts';

const inspectAll = (value: unknown) => inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true });

describe('secrets never travel in cause chains', () => {
  test('an upstream that echoes the full key in its error: not in inspect() of errors or events', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const events: unknown[] = [];
    for (const name of ['attempt-error', 'call-error', 'fallback'] as const)
      router.on(name, (event: unknown) => events.push(event));
    litellm.fail({ status: 401, message: `Invalid key: ${LITELLM_KEY}` });
    openrouter.fail({ status: 401, message: `Key ${OPENROUTER_KEY} is not valid` });
    const error = await router.chat(hello).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    const text = [inspectAll(error), inspectAll(events), JSON.stringify(error), String(error)].join('\n');
    expect(text).toContain('Invalid key: [redacted]');
    expect(text).not.toContain(LITELLM_KEY);
    expect(text).not.toContain(OPENROUTER_KEY);
  });
});

describe('listeners cannot break the router', () => {
  test('a throwing listener neither fails the call nor loses its usage record or limit headroom', async () => {
    const clock = createFakeClock();
    const logger = createMemoryLogger();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      fallback: { error: 'connection-refused' },
    });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger,
      transports: { litellm, openrouter },
      providers: { openai: { limits: { requestsPerMinute: 3 } } },
    });
    for (const name of ['fallback', 'call-start', 'call-end', 'usage', 'attempt-error'] as const) {
      router.on(name, () => {
        throw new Error(`listener for ${name} broke`);
      });
    }
    for (let call = 0; call < 3; call++) {
      expect((await router.chat(hello)).route.gateway).toBe('openrouter');
    }
    expect(await router.usage.query()).toHaveLength(3);
    const [status] = await router.limits.status();
    expect(status).toMatchObject({ used: 3, reserved: 0 });
    expect(
      logger.lines.some(
        (line) => line.level === 'error' && line.message.includes("'fallback' listener threw"),
      ),
    ).toBe(true);
  });
});

describe('streams', () => {
  test('a slow consumer is not a stalled upstream: holding a part longer than the idle timeout is fine', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ chunks: ['a', 'b', 'c', 'd'] }],
    });
    const router = createRouter({ clock, logger: false, transports: { litellm }, attemptTimeoutMs: 1_000 });
    const received: StreamPart[] = [];
    for await (const part of router.stream(hello)) {
      received.push(part);
      if (part.type === 'text-delta') await clock.advance(5_000); // the caller works on each part
    }
    expect(
      received
        .filter((part) => part.type === 'text-delta')
        .map((part) => (part.type === 'text-delta' ? part.text : '')),
    ).toEqual(['a', 'b', 'c', 'd']);
    expect(received.at(-1)?.type).toBe('finish');
  });
});

describe('breakers', () => {
  test('an aborted half-open probe reopens the breaker instead of closing it', async () => {
    const clock = createFakeClock();
    const refused: FakeReply = { error: 'connection-refused' };
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [refused, refused, refused, { hang: true }],
    });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm, openrouter },
      retry: { maxRetries: 0 },
      breaker: { volumeThreshold: 3, probeIntervalMs: 0 },
    });
    const states = collect(router, 'breaker-close');
    for (let call = 0; call < 3; call++) await router.chat(hello);
    await clock.advance(30_000); // half-open
    const controller = new AbortController();
    const probe = router.chat({ ...hello, signal: controller.signal }).catch((caught: unknown) => caught);
    await clock.waitForTimer((timer) => timer.delayMs === 120_000);
    controller.abort();
    await probe;
    expect(states).toHaveLength(0);
    expect(router.breakers().find((breaker) => breaker.name === 'litellm')?.state).toBe('open');
  });
});

describe('one call does not fan out', () => {
  test('a gateway that failed as a whole is not tried again for other models in the same call', async () => {
    const { router, litellm, openrouter } = await startGateways({
      retry: { maxRetries: 0, maxCandidates: 50 },
    });
    await litellm.down();
    openrouter.fail({ status: 500 }, { times: 100 });
    const error = await router
      .chat({ messages: hello.messages, require: { tools: true } })
      .catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    const attempts = (error as AllCandidatesFailedError).attempts;
    expect(
      attempts.filter((attempt) => attempt.route.gateway === 'litellm' && attempt.outcome === 'error'),
    ).toHaveLength(1);
  });

  test('maxCandidates bounds the candidates one call tries', async () => {
    const { router, openrouter } = await startGateways({
      retry: { maxRetries: 0, maxCandidates: 3 },
      gateways: { litellm: { enabled: false } },
    });
    openrouter.fail({ status: 503 }, { times: 100 });
    const error = (await router
      .chat({ messages: hello.messages })
      .catch((caught: unknown) => caught)) as AllCandidatesFailedError;
    expect(error.attempts.filter((attempt) => attempt.outcome === 'error')).toHaveLength(3);
    expect(openrouter.chatRequests).toHaveLength(3);
  });

  test('a candidate cooling down is still tried when nothing after it could be', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ error: 'rate-limited', status: 429, retryAfterMs: 60_000 }],
    });
    const router = createRouter({ clock, logger: false, transports: { litellm } });
    await router.chat(hello).catch(() => undefined);
    expect((await router.chat(hello)).route.gateway).toBe('litellm');
  });
});

describe("classification of 400s that are not the caller's fault", () => {
  test("Anthropic's credit balance 400 through LiteLLM is billing: the call falls back", async () => {
    const { router, litellm } = await startGateways();
    litellm.fail({
      status: 400,
      message:
        'litellm.BadRequestError: AnthropicException - Your credit balance is too low to access the Anthropic API.',
    });
    const reply = await router.chat({ model: 'anthropic/claude-haiku-4-5', messages: hello.messages });
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error?.kind).toBe('billing');
  });

  test("Gemini's API_KEY_INVALID 400 from the provider itself is a key failure, not the request's", async () => {
    const gemini = await startChatServer({ flavour: 'openai' });
    const router = createRouter({
      logger: false,
      gateways: { litellm: { enabled: false }, direct: { enabled: true } },
      providers: {
        google: { apiKey: 'AIza-not-a-real-key-0000000000000', baseURL: gemini.baseURL },
        openai: {},
      },
    });
    try {
      gemini.fail({
        status: 400,
        body: {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
          },
        },
      });
      const error = (await router
        .chat({ model: 'google/gemini-2.5-flash-lite', messages: hello.messages })
        .catch((caught: unknown) => caught)) as AllCandidatesFailedError;
      expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
      expect(error.errors[0]?.kind).toBe('gateway-auth');
    } finally {
      await router.close();
      await gemini.close();
    }
  });
});

describe('options and timers', () => {
  test('a callId that cannot travel as a header is refused before anything is sent', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const router = createRouter({ clock, logger: false, transports: { litellm } });
    await expect(router.chat({ ...hello, callId: 'bad\r\nX-Injected: 1' })).rejects.toSatisfy(
      (error: unknown) => InvalidRequestError.isInstance(error) && error.option === 'callId',
    );
    expect(litellm.calls).toHaveLength(0);
  });

  test('timers longer than 2^31 - 1 ms do not fire at once', async () => {
    const clock = createSystemClock();
    let fired = false;
    const timer = clock.setTimer(
      () => {
        fired = true;
      },
      30 * 24 * 3_600_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    timer.cancel();
  });

  test('OpenAI called directly gets max_completion_tokens; the proxies keep max_tokens', async () => {
    const openai = await startChatServer({ flavour: 'openai' });
    const router = createRouter({
      logger: false,
      gateways: { litellm: { enabled: false }, direct: { enabled: true } },
      providers: { openai: { apiKey: 'sk-direct-openai-0000000000', baseURL: openai.baseURL } },
    });
    try {
      await router.chat({ ...hello, maxTokens: 50 });
      expect(openai.chatRequests[0]?.body).toMatchObject({ max_completion_tokens: 50 });
      expect(openai.chatRequests[0]?.body).not.toHaveProperty('max_tokens');
    } finally {
      await router.close();
      await openai.close();
    }
  });
});
