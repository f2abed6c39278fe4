import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AllCandidatesFailedError, createRouter, RequestRejectedError } from '../../src/index.ts';
import { instrumentRouter } from '../../src/otel/index.ts';
import { createFakeClock, createFakeTransport, type FakeReply } from '../../src/testing/index.ts';
import { drive } from '../helpers/drive.ts';
import { hello, LITELLM_KEY, OPENROUTER_KEY, startGateways } from '../helpers/gateways.ts';
import { AsyncLocalContextManager, isAttemptSpan, isCallSpan, only, startTelemetry } from './telemetry.ts';

const contextManager = new AsyncLocalContextManager();
beforeAll(() => void context.setGlobalContextManager(contextManager));
afterAll(() => void context.disable());

let telemetry = startTelemetry();
afterEach(async () => {
  await telemetry.shutdown();
  telemetry = startTelemetry();
});

async function instrumentedGateways(...args: Parameters<typeof startGateways>) {
  const fixture = await startGateways(...args);
  const instrumentation = instrumentRouter(fixture.router, {
    tracerProvider: telemetry.tracerProvider,
    meterProvider: telemetry.meterProvider,
  });
  return { ...fixture, instrumentation };
}

const callSpan = () => only(telemetry.spans(), isCallSpan);
const attemptSpans = () => telemetry.spans().filter(isAttemptSpan);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('spans of a call (real OpenTelemetry SDK, loopback gateways)', () => {
  test('a plain call: a CLIENT call span and one attempt span under it, with the GenAI attributes', async () => {
    const { router } = await instrumentedGateways();
    const reply = await router.chat({
      ...hello,
      maxTokens: 200,
      temperature: 0.3,
      user: 'user-42',
      tags: ['ticket'],
      callId: 'call-otel-1',
    });

    const call = callSpan();
    expect(call.name).toBe('chat openai/gpt-5.4-mini');
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'openai/gpt-5.4-mini',
      'gen_ai.response.model': 'openai/gpt-5.4-mini',
      'gen_ai.request.max_tokens': 200,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.usage.input_tokens': reply.usage.inputTokens,
      'gen_ai.usage.output_tokens': reply.usage.outputTokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'llm_router.call_id': 'call-otel-1',
      'llm_router.gateway': 'litellm',
      'llm_router.key_id': 'gateway:litellm',
      'llm_router.cost_usd': reply.cost.usd,
      'llm_router.cost_source': 'gateway',
      'llm_router.attempts': 1,
      'llm_router.user': 'user-42',
      'llm_router.tags': ['ticket'],
    });
    expect(reply.usage.inputTokens).toBeGreaterThan(0);
    expect(call.attributes).not.toHaveProperty('gen_ai.request.stream');
    expect(call.attributes).not.toHaveProperty('error.type');
    expect(call.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(call.attributes).not.toHaveProperty('llm_router.fallback_reason');

    const [attempt] = attemptSpans();
    expect(attemptSpans()).toHaveLength(1);
    expect(attempt?.name).toBe('chat openai/gpt-5.4-mini');
    expect(attempt?.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(attempt as ReadableSpan)).toBe(call.spanContext().spanId);
    expect(attempt?.spanContext().traceId).toBe(call.spanContext().traceId);
    expect(attempt?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'openai/gpt-5.4-mini',
      'gen_ai.response.model': 'openai/gpt-5.4-mini',
      'gen_ai.request.max_tokens': 200,
      'llm_router.gateway': 'litellm',
      'llm_router.attempt': 1,
      'llm_router.tries': 1,
      'gen_ai.usage.output_tokens': reply.usage.outputTokens,
    });
    // The attempt lies within the call.
    // Exact: seconds × 1e9 in a double is past 2^53 and would round. The SDK anchors each span's
    // clock to Date.now() when the span starts, so times of two spans agree to within 1 ms only.
    const nanos = (time: [number, number]) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
    const anchorSlack = 1_000_000n;
    expect(nanos(attempt?.startTime as [number, number]) + anchorSlack).toBeGreaterThanOrEqual(
      nanos(call.startTime),
    );
    expect(nanos(attempt?.endTime as [number, number])).toBeLessThanOrEqual(
      nanos(call.endTime) + anchorSlack,
    );
  });

  test('providers take the conventions’ well-known names', async () => {
    const { router } = await instrumentedGateways();
    const models = {
      'anthropic/claude-haiku-4-5': 'anthropic',
      'google/gemini-2.5-flash-lite': 'gcp.gemini',
      'cohere/command-r7b-12-2024': 'cohere',
      'mistral/mistral-small-latest': 'mistral_ai',
    };
    for (const model of Object.keys(models)) await router.chat({ ...hello, model });
    const names = telemetry
      .spans()
      .filter(isCallSpan)
      .map((span) => [span.attributes['gen_ai.request.model'], span.attributes['gen_ai.provider.name']]);
    expect(Object.fromEntries(names)).toEqual(models);
  });

  test('no key appears in any span or span event', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ status: 401, message: `bad key ${LITELLM_KEY}` });
    await router.chat(hello);
    const text = JSON.stringify(
      telemetry
        .spans()
        .map((span) => ({ attributes: span.attributes, events: span.events, status: span.status })),
    );
    expect(text).toContain('gateway:openrouter'); // the key ids are there…
    expect(text).not.toContain(LITELLM_KEY); // …the keys are not
    expect(text).not.toContain(OPENROUTER_KEY);
  });

  test('the call span is a child of the caller’s active span', async () => {
    const { router } = await instrumentedGateways();
    const tracer = telemetry.tracerProvider.getTracer('caller');
    await tracer.startActiveSpan('handle request', async (parent) => {
      await router.chat(hello);
      const stream = router.stream(hello);
      // Read in another context: the span still belongs to where the stream was created.
      await context.with(trace.deleteSpan(context.active()), async () => {
        for await (const _ of stream);
      });
      parent.end();
    });
    const parent = only(telemetry.spans(), (span) => span.name === 'handle request');
    const calls = telemetry.spans().filter(isCallSpan);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(parentOf(call)).toBe(parent.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    }
    // Without an active span the call span is a root.
    await router.chat(hello);
    expect(parentOf(telemetry.spans().filter(isCallSpan).at(-1) as ReadableSpan)).toBeUndefined();
  });

  test('captureContent records the messages, tools and answer as the conventions’ JSON', async () => {
    const fixture = await startGateways();
    instrumentRouter(fixture.router, { tracerProvider: telemetry.tracerProvider, captureContent: true });
    await fixture.router.chat({
      model: 'openai/gpt-5.4-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'hello router' }] },
      ],
      tools: [{ name: 'lookup', description: 'Finds a ticket', parameters: { type: 'object' } }],
    });
    const { attributes } = callSpan();
    expect(JSON.parse(attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'hello router' }] },
    ]);
    expect(JSON.parse(attributes['gen_ai.tool.definitions'] as string)).toEqual([
      { type: 'function', name: 'lookup', description: 'Finds a ticket', parameters: { type: 'object' } },
    ]);
    expect(JSON.parse(attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'echo: hello router' }], finish_reason: 'stop' },
    ]);
  });
});

describe('streams', () => {
  test('the span ends when the stream completes, with the time to the first chunk', async () => {
    const { router } = await instrumentedGateways();
    const stream = router.stream({
      ...hello,
      messages: [{ role: 'user', content: 'a longer streamed answer' }],
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(telemetry.spans().filter(isCallSpan)).toHaveLength(0); // still open
    for (let next = await iterator.next(); !next.done; next = await iterator.next());
    const result = await stream.result;

    const call = callSpan();
    expect(call.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'llm_router.status': 'complete',
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'gen_ai.response.time_to_first_chunk': (result.timeToFirstTokenMs ?? -1) / 1000,
      'llm_router.cost_usd': result.cost.usd,
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(only(telemetry.spans(), isAttemptSpan).attributes['gen_ai.request.stream']).toBe(true);
  });

  test('a stream the caller leaves early ends its span as aborted', async () => {
    const { router } = await instrumentedGateways();
    for await (const part of router.stream({
      ...hello,
      messages: [{ role: 'user', content: 'one two three four' }],
    })) {
      if (part.type === 'text-delta') break;
    }
    const call = callSpan();
    expect(call.attributes['llm_router.status']).toBe('aborted');
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(attemptSpans()).toHaveLength(1);
  });

  test('a stream broken after its first content: ERROR spans, StreamInterruptedError, the kind on the attempt', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ cutAfterChunks: 1 }, { stream: true });
    const stream = router.stream({
      ...hello,
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    const error = await stream.result.catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('StreamInterruptedError');

    const call = callSpan();
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toMatchObject({
      'error.type': 'StreamInterruptedError',
      'gen_ai.response.finish_reasons': ['error'],
      'llm_router.gateway': 'litellm',
    });
    const attempt = only(telemetry.spans(), isAttemptSpan);
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes['error.type']).toBe((error as { error: { kind: string } }).error.kind);
  });
});

describe('fallbacks, retries and failures', () => {
  test('LiteLLM failing, OpenRouter answering: two attempt spans, a fallback event, the call span not in error', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ status: 503 }, { times: 5 });
    const reply = await router.chat(hello);
    expect(reply.route.gateway).toBe('openrouter');

    const call = callSpan();
    expect(call.status.code).toBe(SpanStatusCode.UNSET); // handled errors are not the call's
    expect(call.attributes).toMatchObject({
      'llm_router.fallback_reason': 'unavailable',
      'llm_router.gateway': 'openrouter',
      'llm_router.key_id': 'gateway:openrouter',
      'llm_router.attempts': 2,
    });
    expect(call.attributes).not.toHaveProperty('error.type');
    expect(call.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'llm_router.fallback',
        {
          'llm_router.from.gateway': 'litellm',
          'llm_router.from.model': 'openai/gpt-5.4-mini',
          'llm_router.to.gateway': 'openrouter',
          'llm_router.to.model': 'openai/gpt-5.4-mini',
          'llm_router.reason': 'unavailable',
          'llm_router.message': expect.any(String),
          'llm_router.skipped': 1,
        },
      ],
    ]);

    const [failed, answered] = attemptSpans().sort(
      (a, b) =>
        (a.attributes['llm_router.attempt'] as number) - (b.attributes['llm_router.attempt'] as number),
    );
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes).toMatchObject({
      'llm_router.gateway': 'litellm',
      'error.type': 'unavailable',
      'http.response.status_code': 503,
      'llm_router.tries': 1,
    });
    expect(answered?.status.code).toBe(SpanStatusCode.UNSET);
    expect(answered?.attributes).toMatchObject({
      'llm_router.gateway': 'openrouter',
      'llm_router.attempt': 2,
    });
    for (const attempt of [failed, answered])
      expect(parentOf(attempt as ReadableSpan)).toBe(call.spanContext().spanId);
  });

  test('a same-target retry is an event on its attempt span', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ status: 500 }, { times: 10 });
    await router.chat(hello);
    const failed = only(attemptSpans(), (span) => span.attributes['llm_router.gateway'] === 'litellm');
    expect(failed.attributes).toMatchObject({ 'error.type': 'server-error', 'llm_router.tries': 2 });
    expect(failed.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'llm_router.retry',
        {
          'llm_router.error_kind': 'server-error',
          'llm_router.tries': 1,
          'llm_router.retry_delay_ms': 0,
          'http.response.status_code': 500,
        },
      ],
    ]);
  });

  test('every candidate failing: the call span in ERROR with error.type, each attempt with its kind', async () => {
    const { router, litellm, openrouter, clock } = await instrumentedGateways();
    await litellm.down();
    await openrouter.down();
    const error = await drive(clock, router.chat(hello)).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);

    const call = callSpan();
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(call.attributes).toMatchObject({
      'error.type': 'AllCandidatesFailedError',
      'llm_router.attempts': 2,
      'gen_ai.provider.name': 'openai',
    });
    expect(call.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
    expect(
      attemptSpans().map((span) => [span.attributes['llm_router.gateway'], span.attributes['error.type']]),
    ).toEqual(
      expect.arrayContaining([
        ['litellm', 'connection-refused'],
        ['openrouter', 'connection-refused'],
      ]),
    );
    expect(attemptSpans().every((span) => span.status.code === SpanStatusCode.ERROR)).toBe(true);
  });

  test('a request the gateway rejects: RequestRejectedError on the call, invalid-request on the attempt', async () => {
    const { router, litellm } = await instrumentedGateways();
    litellm.fail({ status: 400, message: 'bad request' });
    const error = await router.chat(hello).catch((caught: unknown) => caught);
    expect(RequestRejectedError.isInstance(error)).toBe(true);
    expect(callSpan().attributes['error.type']).toBe('RequestRejectedError');
    expect(only(telemetry.spans(), isAttemptSpan).attributes).toMatchObject({
      'error.type': 'invalid-request',
      'http.response.status_code': 400,
    });
  });

  test('no candidate at all: a `chat` span with the fallback provider value and NoCandidatesError', async () => {
    const { router } = await instrumentedGateways();
    await router
      .chat({ messages: hello.messages, require: { maxInputPricePerMillion: 0 } })
      .catch(() => undefined);
    const call = callSpan();
    expect(call.name).toBe('chat');
    expect(call.attributes).toMatchObject({
      'gen_ai.provider.name': '_OTHER',
      'error.type': 'NoCandidatesError',
      'llm_router.candidates': 0,
    });
    expect(attemptSpans()).toHaveLength(0);
  });
});

describe('breakers (fake clock)', () => {
  test('opening, half-opening and closing are events on the attempt spans behind the breaker', async () => {
    const clock = createFakeClock();
    const refused: FakeReply = { error: 'connection-refused' };
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [refused, refused, refused, refused],
    });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm, openrouter },
      retry: { maxRetries: 0 },
      breaker: { volumeThreshold: 4, errorThresholdPercent: 50, resetTimeoutMs: 30_000, probeIntervalMs: 0 },
    });
    instrumentRouter(router, { tracerProvider: telemetry.tracerProvider });
    const breakerEvents = (span: ReadableSpan) =>
      span.events
        .filter((event) => event.name === 'llm_router.breaker')
        .map((event) => [
          event.attributes?.['llm_router.breaker.name'],
          event.attributes?.['llm_router.breaker.state'],
        ]);

    for (let call = 0; call < 4; call++) await router.chat({ ...hello, callId: `call-${call}` });
    const fourth = only(
      attemptSpans(),
      (span) =>
        span.attributes['llm_router.call_id'] === 'call-3' &&
        span.attributes['llm_router.gateway'] === 'litellm',
    );
    expect(breakerEvents(fourth)).toEqual([['litellm', 'open']]);
    expect(fourth.attributes['error.type']).toBe('connection-refused');

    // While open, LiteLLM is skipped: no attempt span for it, a fallback event saying why.
    await router.chat({ ...hello, callId: 'while-open' });
    const whileOpen = only(
      telemetry.spans(),
      (span) => isCallSpan(span) && span.attributes['llm_router.call_id'] === 'while-open',
    );
    expect(whileOpen.attributes['llm_router.fallback_reason']).toBe('breaker-open');
    expect(whileOpen.events[0]?.attributes).toMatchObject({
      'llm_router.reason': 'breaker-open',
      'llm_router.skipped': 1,
    });
    expect(
      attemptSpans()
        .filter((span) => span.attributes['llm_router.call_id'] === 'while-open')
        .map((span) => span.attributes['llm_router.gateway']),
    ).toEqual(['openrouter']);

    await clock.advance(30_000); // half-open, with no attempt in flight: no span to tell
    await router.chat({ ...hello, callId: 'probe' });
    const probe = only(
      attemptSpans(),
      (span) =>
        span.attributes['llm_router.call_id'] === 'probe' &&
        span.attributes['llm_router.gateway'] === 'litellm',
    );
    expect(breakerEvents(probe)).toEqual([['litellm', 'closed']]);
    expect(probe.status.code).toBe(SpanStatusCode.UNSET);
    await router.close();
  });
});
