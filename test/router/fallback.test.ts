import { describe, expect, test } from 'vitest';
import { AllCandidatesFailedError, GatewayError, RequestRejectedError } from '../../src/index.ts';
import { drive } from '../helpers/drive.ts';
import { collect } from '../helpers/events.ts';
import { hello, LITELLM_KEY, OPENROUTER_KEY, startGateways } from '../helpers/gateways.ts';

describe('LiteLLM first, OpenRouter on failure (real openai client, loopback servers)', () => {
  test('a healthy LiteLLM serves the call, with its cost header, our call id, user and tags', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const reply = await router.chat({
      ...hello,
      user: 'user-42',
      tags: ['ticket', 'eu'],
      callId: 'call-fixed-1',
    });

    expect(reply.text).toBe('echo: hello router');
    expect(reply.route).toEqual({
      provider: 'openai',
      model: 'openai/gpt-5.4-mini',
      gateway: 'litellm',
      gatewayModel: 'openai/gpt-5.4-mini',
      keyId: 'gateway:litellm',
    });
    expect(reply.callId).toBe('call-fixed-1');
    expect(openrouter.chatRequests).toHaveLength(0);
    const [request] = litellm.chatRequests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${LITELLM_KEY}`);
    expect(request?.headers['x-litellm-call-id']).toBe('call-fixed-1');
    expect(request?.body).toMatchObject({
      model: 'openai/gpt-5.4-mini',
      user: 'user-42',
      metadata: { tags: ['ticket', 'eu'] },
    });
    // The loopback reports catalog prices × its token counts in x-litellm-response-cost.
    const pricing = router.catalog.get('openai/gpt-5.4-mini')?.pricing;
    const expected =
      reply.usage.inputTokens * (pricing?.inputPerToken ?? 0) +
      reply.usage.outputTokens * (pricing?.outputPerToken ?? 0);
    expect(reply.cost.source).toBe('gateway');
    expect(reply.cost.usd).toBeCloseTo(expected, 12);
  });

  test('connection refused: falls back to OpenRouter, emits and logs one fallback', async () => {
    const { router, litellm, openrouter, logger } = await startGateways();
    const fallbacks = collect(router, 'fallback');
    await litellm.down();

    const reply = await router.chat({ ...hello, callId: 'call-refused' });

    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.route.gatewayModel).toBe('openai/gpt-5.4-mini');
    expect(reply.cost.source).toBe('gateway');
    expect(openrouter.chatRequests[0]?.headers.authorization).toBe(`Bearer ${OPENROUTER_KEY}`);
    expect(
      reply.attempts.map((attempt) => [attempt.route.gateway, attempt.outcome, attempt.error?.kind]),
    ).toEqual([
      ['litellm', 'error', 'connection-refused'],
      ['openrouter', 'ok', undefined],
    ]);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]).toMatchObject({
      callId: 'call-refused',
      from: { gateway: 'litellm', model: 'openai/gpt-5.4-mini' },
      to: { gateway: 'openrouter', model: 'openai/gpt-5.4-mini' },
      reason: 'connection-refused',
    });
    const warning = logger.lines.find((line) => line.level === 'warn' && line.message.includes('fallback'));
    expect(warning?.message).toContain('litellm:openai/gpt-5.4-mini -> openrouter:openai/gpt-5.4-mini');
  });

  test('500 with another candidate: one immediate retry on LiteLLM, then OpenRouter, no backoff wait', async () => {
    const { router, litellm, openrouter, clock } = await startGateways();
    litellm.fail({ status: 500, message: 'litellm.InternalServerError: boom' }, { times: 10 });

    const reply = await router.chat(hello);

    expect(litellm.chatRequests).toHaveLength(2);
    expect(openrouter.chatRequests).toHaveLength(1);
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]).toMatchObject({
      outcome: 'error',
      tries: 2,
      error: { kind: 'server-error', status: 500 },
    });
    expect(clock.timers().filter((timer) => !timer.background && timer.delayMs <= 10_000)).toHaveLength(0);
  });

  test('500 on the last candidate: bounded retries with exponential backoff on the router clock', async () => {
    const { router, litellm, clock } = await startGateways({ gateways: { openrouter: { enabled: false } } });
    const retries = collect(router, 'attempt-error');
    litellm.fail({ status: 500 }, { times: 2 });

    const reply = await drive(clock, router.chat(hello));

    expect(reply.route.gateway).toBe('litellm');
    expect(reply.attempts[0]).toMatchObject({ outcome: 'ok', tries: 3 });
    const delays = retries.map((event) => event.retryDelayMs ?? 0);
    expect(delays[0]).toBeGreaterThanOrEqual(200); // 250 ms ± 20 %
    expect(delays[0]).toBeLessThanOrEqual(300);
    expect(delays[1]).toBeGreaterThanOrEqual(400); // 500 ms ± 20 %
    expect(delays[1]).toBeLessThanOrEqual(600);
  });

  test('maxRetries bounds the same-target retries', async () => {
    const { router, litellm, clock } = await startGateways({
      retry: { maxRetries: 0 },
      gateways: { openrouter: { enabled: false } },
    });
    litellm.fail({ status: 500 }, { times: 10 });
    const error = await drive(clock, router.chat(hello)).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    expect(litellm.chatRequests).toHaveLength(1);
  });

  test.each([
    [503, 'unavailable'],
    [502, 'unavailable'],
  ])('%i: moves to OpenRouter at once, without retrying LiteLLM', async (status, kind) => {
    const { router, litellm } = await startGateways();
    litellm.fail({ status }, { times: 5 });
    const reply = await router.chat(hello);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error?.kind).toBe(kind);
  });

  test('a hung LiteLLM times out on the attempt timeout (fake clock), the socket is closed, OpenRouter answers', async () => {
    const { router, litellm, clock } = await startGateways({ attemptTimeoutMs: 30_000 });
    litellm.fail({ hang: true });
    const pending = router.chat(hello);
    await clock.waitForTimer((timer) => timer.delayMs === 30_000);
    while (litellm.chatRequests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(litellm.openRequests()).toBe(1);
    await clock.advance(30_000);

    const reply = await pending;
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error?.kind).toBe('timeout');
    // The hung request's socket is closed; an idle pooled connection may stay (Node 22's fetch).
    for (let round = 0; round < 400 && litellm.openRequests() > 0; round++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(litellm.openRequests()).toBe(0);
  });

  test('a rejected virtual key (401) falls back, and the key appears in no event, log or error', async () => {
    const wrongKey = 'sk-wrong-virtual-key-98765432';
    const { router, logger } = await startGateways({}, { litellm: wrongKey });
    const seen: unknown[] = [];
    for (const name of ['fallback', 'attempt-error', 'usage', 'call-end'] as const)
      router.on(name, (event) => seen.push(event));

    const reply = await router.chat(hello);

    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'gateway-auth', status: 401, scope: 'gateway' });
    const everything = JSON.stringify([
      seen,
      logger.lines,
      reply,
      reply.attempts.map((attempt) => attempt.error?.message),
    ]);
    expect(everything).toContain('Authentication Error');
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(OPENROUTER_KEY);
  });

  test('LiteLLM misconfigured: unknown model (400 Invalid model name) falls back instead of failing', async () => {
    const { router, litellm } = await startGateways();
    litellm.fail({
      status: 400,
      message:
        '/chat/completions: Invalid model name passed in model=openai/gpt-5.4-mini. Call `/v1/models` to view available models for your key.',
    });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error?.kind).toBe('model-not-found');
  });

  test('LiteLLM "No deployments available" 429 moves on at once', async () => {
    const { router, litellm } = await startGateways();
    litellm.fail(
      { status: 429, message: 'No deployments available for selected model, Try again in 60 seconds.' },
      { times: 3 },
    );
    const reply = await router.chat(hello);
    expect(litellm.chatRequests).toHaveLength(1);
    expect(reply.route.gateway).toBe('openrouter');
    expect(reply.attempts[0]?.error).toMatchObject({ kind: 'unavailable', scope: 'provider' });
  });

  test("a caller's 400 stops at once: no fallback, no retry, no breaker failure", async () => {
    const { router, litellm, openrouter } = await startGateways();
    const fallbacks = collect(router, 'fallback');
    litellm.fail({
      status: 400,
      message: "Invalid value for 'temperature': expected at most 2",
      type: 'invalid_request_error',
    });

    const error = await router.chat(hello).catch((caught: unknown) => caught);

    expect(RequestRejectedError.isInstance(error)).toBe(true);
    expect((error as RequestRejectedError).status).toBe(400);
    expect((error as RequestRejectedError).message).toContain("Invalid value for 'temperature'");
    expect(litellm.chatRequests).toHaveLength(1);
    expect(openrouter.chatRequests).toHaveLength(0);
    expect(fallbacks).toHaveLength(0);
    const litellmBreaker = router.breakers().find((breaker) => breaker.name === 'litellm');
    expect(litellmBreaker).toMatchObject({ state: 'closed', failures: 0 });
  });

  test('every candidate failing throws one error carrying every attempt', async () => {
    const { router, litellm, openrouter } = await startGateways();
    await litellm.down();
    openrouter.fail({ status: 503, message: 'No endpoints available' }, { times: 10 });
    const error = await router.chat(hello).catch((caught: unknown) => caught);

    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    const failure = error as AllCandidatesFailedError;
    expect(failure.attempts.map((attempt) => attempt.route.gateway)).toEqual(['litellm', 'openrouter']);
    expect(failure.errors.map((item) => item.kind)).toEqual(['connection-refused', 'unavailable']);
    expect(failure.errors.every((item) => GatewayError.isInstance(item))).toBe(true);
    expect(failure.message).toContain('litellm:openai/gpt-5.4-mini: connection-refused');
    expect(failure.message).toContain('openrouter:openai/gpt-5.4-mini: unavailable 503');
  });

  test('exactly one usage event and record per call: success, fallback and failure', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');

    const first = await router.chat({ ...hello, user: 'u1', tags: ['a'] });
    await litellm.down();
    const second = await router.chat({ ...hello, user: 'u2' });
    openrouter.fail({ status: 503 }, { times: 5 });
    const third = await router
      .chat({ ...hello, user: 'u3', callId: 'call-failed' })
      .catch((caught: unknown) => caught);

    expect(AllCandidatesFailedError.isInstance(third)).toBe(true);
    expect(usage.map((record) => record.callId)).toEqual([first.callId, second.callId, 'call-failed']);
    const records = await router.usage.query();
    expect(records).toHaveLength(3);
    expect(usage[0]).toMatchObject({
      user: 'u1',
      tags: ['a'],
      gateway: 'litellm',
      provider: 'openai',
      model: 'openai/gpt-5.4-mini',
      keyId: 'gateway:litellm',
      status: 'ok',
      fallback: false,
      inputTokens: first.usage.inputTokens,
      outputTokens: first.usage.outputTokens,
      costUsd: first.cost.usd,
      costSource: 'gateway',
      attempts: 1,
    });
    expect(usage[1]).toMatchObject({
      user: 'u2',
      gateway: 'openrouter',
      status: 'ok',
      fallback: true,
      attempts: 2,
      costUsd: second.cost.usd,
    });
    expect(usage[2]).toMatchObject({
      user: 'u3',
      status: 'error',
      costUsd: 0,
      costSource: 'none',
      errorKind: 'unavailable',
      attempts: 2,
    });
  });
});
