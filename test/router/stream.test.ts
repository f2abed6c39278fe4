import { describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  CallAbortedError,
  createRouter,
  RouterError,
  StreamAlreadyReadError,
  StreamInterruptedError,
  type StreamPart,
} from '../../src/index.ts';
import { createFakeClock, createFakeTransport, startChatServer } from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

async function readAll<T>(parts: AsyncIterable<T>): Promise<T[]> {
  const read: T[] = [];
  for await (const part of parts) read.push(part);
  return read;
}

const textOf = (parts: readonly StreamPart[]) =>
  parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < 400; round++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('router.stream() through LiteLLM and OpenRouter (real openai client, loopback SSE)', () => {
  test('text deltas, a finish part, and a result with usage and cost from the final usage chunk', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'Streaming works end to end.', promptTokens: 120, completionTokens: 7 }));

    const stream = router.stream({ ...hello, user: 'u1', tags: ['s'] });
    const parts = await readAll(stream);
    const result = await stream.result;

    expect(textOf(parts)).toBe('Streaming works end to end.');
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(3);
    const finish = parts.at(-1);
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'stop', route: { gateway: 'litellm' } });
    expect(result).toMatchObject({
      status: 'complete',
      text: 'Streaming works end to end.',
      finishReason: 'stop',
      usage: { inputTokens: 120, outputTokens: 7, totalTokens: 127 },
      route: { gateway: 'litellm', model: 'openai/gpt-5.4-mini' },
      callId: stream.callId,
    });
    // LiteLLM has no cost header on streams; the loopback proxy puts it on the final usage chunk.
    expect(result.cost.source).toBe('gateway');
    expect(result.cost.usd).toBeCloseTo(120 * 0.75e-6 + 7 * 4.5e-6, 12);
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      callId: stream.callId,
      status: 'ok',
      stream: true,
      outputTokens: 7,
      user: 'u1',
      tags: ['s'],
    });
  });

  test('SSE frames split mid-line and mid-JSON, keep-alive comments and [DONE] are parsed', async () => {
    const server = await startChatServer({ flavour: 'openrouter', splitWrites: true, streamChunkSize: 3 });
    const router = createRouter({
      logger: false,
      gateways: {
        litellm: { enabled: false },
        openrouter: { baseURL: server.baseURL, apiKey: 'sk-or-v1-x' },
      },
    });
    try {
      server.setReply(() => ({ text: 'Ünïcode — and "quotes" {braces} survive splitting.' }));
      const stream = router.stream(hello);
      expect(await readAll(stream.textStream)).toEqual(expect.arrayContaining(['Ünï']));
      const result = await stream.result;
      expect(result.text).toBe('Ünïcode — and "quotes" {braces} survive splitting.');
      expect(result.cost.source).toBe('gateway'); // OpenRouter's usage.cost in the final chunk
    } finally {
      await router.close();
      await server.close();
    }
  });

  test('tool-call deltas are passed on and assembled into whole tool calls', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({
      text: 'Checking.',
      toolCalls: [
        { id: 'call_a', name: 'lookup', arguments: '{"ticket":"T-1","verbose":true}' },
        { id: 'call_b', name: 'notify', arguments: '{"user":"u-2"}' },
      ],
    }));
    const stream = router.stream({
      ...hello,
      tools: [
        { name: 'lookup', parameters: { type: 'object' } },
        { name: 'notify', parameters: { type: 'object' } },
      ],
    });
    const parts = await readAll(stream);
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.length).toBeGreaterThanOrEqual(4); // a header and argument pieces for each call
    const whole = parts
      .filter((part) => part.type === 'tool-call')
      .map((part) => part.type === 'tool-call' && part.toolCall);
    const expected = [
      { id: 'call_a', name: 'lookup', arguments: '{"ticket":"T-1","verbose":true}' },
      { id: 'call_b', name: 'notify', arguments: '{"user":"u-2"}' },
    ];
    expect(whole).toEqual(expected);
    const result = await stream.result;
    expect(result.toolCalls).toEqual(expected);
    expect(result.finishReason).toBe('tool-calls');
    expect(result.message).toEqual({ role: 'assistant', content: 'Checking.', toolCalls: expected });
  });

  test('LiteLLM failing before the first delta (refused, 503, error event) falls back to OpenRouter', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const fallbacks = collect(router, 'fallback');
    openrouter.setReply(() => ({ text: 'from openrouter' }));

    litellm.fail({ status: 503 });
    const first = router.stream(hello);
    expect(textOf(await readAll(first))).toBe('from openrouter');

    litellm.fail({ errorAfterChunks: 0, message: 'upstream refused', code: 503 });
    const second = router.stream(hello);
    expect(textOf(await readAll(second))).toBe('from openrouter');

    await litellm.down();
    const third = router.stream(hello);
    expect((await third.result).text).toBe('from openrouter');

    expect(fallbacks.map((event) => event.reason)).toEqual([
      'unavailable',
      'unavailable',
      'connection-refused',
    ]);
    expect((await second.result).attempts[0]?.error?.message).toBe('upstream refused');
  });

  test('no first token before the attempt timeout: falls back (fake clock)', async () => {
    const { router, litellm, openrouter, clock } = await startGateways({ attemptTimeoutMs: 15_000 });
    litellm.fail({ stallAfterChunks: 0 });
    const stream = router.stream(hello);
    const reading = readAll(stream);
    await clock.waitForTimer((timer) => timer.delayMs === 15_000);
    await until(() => litellm.chatRequests.length === 1, 'the LiteLLM request');
    await clock.advance(15_000);
    await reading;
    const result = await stream.result;
    expect(result.route.gateway).toBe('openrouter');
    expect(result.attempts[0]?.error?.kind).toBe('timeout');
    expect(openrouter.chatRequests).toHaveLength(1);
  });

  test('a stream cut after the first delta ends with a typed error carrying the partial text; nothing is replayed', async () => {
    const { router, litellm, openrouter } = await startGateways();
    const usage = collect(router, 'usage');
    const fallbacks = collect(router, 'fallback');
    litellm.setReply(() => ({ text: 'abcdefghijklmnopqrstuvwxyz' }));
    litellm.fail({ cutAfterChunks: 2 });

    const stream = router.stream(hello);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const part of stream) if (part.type === 'text-delta') seen.push(part.text);
    })().catch((caught: unknown) => caught);

    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const interrupted = error as StreamInterruptedError;
    expect(interrupted.partialText).toBe('abcdefgh');
    expect(seen.join('')).toBe('abcdefgh');
    expect(interrupted.error.kind).toBe('connection-reset');
    expect(interrupted.route.gateway).toBe('litellm');
    await expect(stream.result).rejects.toBe(interrupted);
    expect(openrouter.chatRequests).toHaveLength(0);
    expect(fallbacks).toHaveLength(0);
    // The delivered part is recorded once, estimated, as a failure.
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({
      status: 'error',
      errorKind: 'connection-reset',
      costSource: 'estimated',
      outputTokens: 2,
    });
    expect(usage[0]?.costUsd).toBeGreaterThan(0);
  });

  test("OpenRouter's error chunk inside a 200 stream after content is a typed error too", async () => {
    const { router, openrouter } = await startGateways({ gateways: { litellm: { enabled: false } } });
    openrouter.setReply(() => ({ text: 'partial answer that breaks' }));
    openrouter.fail({ errorAfterChunks: 3, message: 'Provider returned error', code: 502 });
    const stream = router.stream(hello);
    const error = await readAll(stream).catch((caught: unknown) => caught);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).partialText).toBe('partial answ');
    expect((error as StreamInterruptedError).error).toMatchObject({
      kind: 'unavailable',
      status: 502,
      message: 'Provider returned error',
    });
  });

  test('breaking out of the loop closes the upstream socket and settles the result as aborted', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: 'x'.repeat(400_000) }));
    const stream = router.stream(hello);
    let received = '';
    for await (const part of stream) {
      if (part.type === 'text-delta') received += part.text;
      if (received.length >= 12) break;
    }
    const result = await stream.result;
    expect(result.status).toBe('aborted');
    expect(result.text).toBe(received);
    await until(() => litellm.streamsClosedByClient === 1, 'the server to see the stream closed');
    await until(() => litellm.openRequests() === 0, "the stream's socket to close");
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ status: 'aborted', outputTokens: 3, costSource: 'estimated' });
  });

  test('aborting the signal mid-stream closes the upstream socket; the loop gets CallAbortedError', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({ text: 'y'.repeat(400_000) }));
    const controller = new AbortController();
    const stream = router.stream({ ...hello, signal: controller.signal });
    let count = 0;
    const error = await (async () => {
      for await (const part of stream) {
        if (part.type === 'text-delta' && ++count === 3) controller.abort();
      }
    })().catch((caught: unknown) => caught);
    expect(CallAbortedError.isInstance(error)).toBe(true);
    const result = await stream.result;
    expect(result).toMatchObject({ status: 'aborted', text: 'yyyyyyyyyyyy' });
    await until(() => litellm.streamsClosedByClient === 1, 'the server to see the stream closed');
    expect(await router.usage.query()).toEqual([
      expect.objectContaining({ status: 'aborted', stream: true }),
    ]);
  });

  test('a slow consumer slows the upstream: the server stops writing until the client reads', async () => {
    const { router, litellm } = await startGateways();
    const total = 20_000;
    litellm.setReply(() => ({
      chunks: Array.from(
        { length: total },
        (_, index) => `${String(index).padStart(5, '0')}${'z'.repeat(1_019)}`,
      ),
      text: '',
    }));
    const stream = router.stream(hello);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // Wait until the server is blocked on backpressure: its count stops moving.
    let last = -1;
    for (let stable = 0; stable < 10; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (litellm.deltasWritten === last) stable++;
      else {
        stable = 0;
        last = litellm.deltasWritten;
      }
    }
    expect(litellm.deltasWritten).toBeLessThan(total / 2);
    let read = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      if (next.value.type === 'text-delta') read++;
    expect(read).toBe(total);
    expect(litellm.deltasWritten).toBe(total);
    expect((await stream.result).text.length).toBe(total * 1_024);
  });

  test('awaiting only the result reads the stream to its end', async () => {
    const { router } = await startGateways();
    const result = await router.stream(hello).result;
    expect(result).toMatchObject({ status: 'complete', text: 'echo: hello router' });
  });

  test('every candidate failing before content rejects the loop and the result with one error', async () => {
    const { router, litellm, openrouter } = await startGateways();
    await litellm.down();
    openrouter.fail({ status: 503 }, { times: 3 });
    const stream = router.stream(hello);
    const error = await readAll(stream).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    await expect(stream.result).rejects.toBe(error);
    expect(await router.usage.query()).toEqual([
      expect.objectContaining({ status: 'error', stream: true, costUsd: 0 }),
    ]);
  });

  test('a stream can be read once: a second reader gets a typed StreamAlreadyReadError', async () => {
    const { router } = await startGateways();
    const stream = router.stream(hello);
    await readAll(stream);
    for (const again of [() => readAll(stream), () => readAll(stream.textStream)]) {
      const error = await again().catch((caught: unknown) => caught);
      expect(StreamAlreadyReadError.isInstance(error)).toBe(true);
      expect(RouterError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ callId: stream.callId, message: expect.stringMatching(/read once/) });
    }
  });
});

describe('when reading starts', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

  test('attaching a failure handler to result reads nothing; iterating a moment later works', async () => {
    const { router, litellm } = await startGateways();
    const stream = router.stream(hello);
    const failures: unknown[] = [];
    stream.result.catch((error: unknown) => failures.push(error));
    await tick();
    await tick();
    expect(litellm.chatCount).toBe(0); // nothing was sent yet
    expect(textOf(await readAll(stream))).toBe('echo: hello router');
    expect((await stream.result).text).toBe('echo: hello router');
    expect(failures).toEqual([]);
  });

  test('a value handler attached just before iterating does not read on its own', async () => {
    const { router } = await startGateways();
    const stream = router.stream(hello);
    const texts: string[] = [];
    const done = stream.result.then((result) => texts.push(result.text));
    expect(textOf(await readAll(stream))).toBe('echo: hello router');
    await done;
    expect(texts).toEqual(['echo: hello router']);
  });

  test('awaiting result alone, or what result.catch() returns, reads to the end', async () => {
    const { router, litellm } = await startGateways();
    expect((await router.stream(hello).result).text).toBe('echo: hello router');
    const caught = await router.stream(hello).result.catch(() => undefined);
    expect(caught?.text).toBe('echo: hello router');
    expect(litellm.chatCount).toBe(2);
  });

  test('after awaiting result alone, iterating is a second read', async () => {
    const { router } = await startGateways();
    const stream = router.stream(hello);
    await stream.result;
    const error = await readAll(stream).catch((caught: unknown) => caught);
    expect(StreamAlreadyReadError.isInstance(error)).toBe(true);
  });
});

describe('usage without a usage chunk, and stream_options per target', () => {
  test('Mistral direct: no stream_options sent, usage estimated and marked so', async () => {
    const mistral = await startChatServer({ flavour: 'openai', apiKey: 'mistral-key-123456' });
    const router = createRouter({
      logger: false,
      gateways: { litellm: { enabled: false }, direct: { enabled: true } },
      providers: { mistral: { apiKey: 'mistral-key-123456', baseURL: mistral.baseURL } },
    });
    try {
      mistral.setReply(() => ({ text: 'Bonjour, tout va bien.' }));
      const result = await router.stream({ model: 'mistral/mistral-small-latest', messages: hello.messages })
        .result;
      expect(mistral.chatRequests[0]?.body).not.toHaveProperty('stream_options');
      expect(mistral.chatRequests[0]?.headers.authorization).toBe('Bearer mistral-key-123456');
      expect(result.route.gateway).toBe('direct');
      expect(result.cost.source).toBe('estimated');
      expect(result.usage.outputTokens).toBe(Math.ceil('Bonjour, tout va bien.'.length / 4));
      // Mistral Small's bundled price: 0.10 / 0.30 USD per million tokens.
      expect(result.cost.usd).toBeCloseTo(
        result.usage.inputTokens * 0.1e-6 + result.usage.outputTokens * 0.3e-6,
        15,
      );
    } finally {
      await router.close();
      await mistral.close();
    }
  });
});

describe('streams with the fake transport (fake clock)', () => {
  test('time to first token is measured and carried on the usage event', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ chunks: ['Hel', 'lo'], delayMs: 700, chunkDelayMs: 50 }],
    });
    const router = createRouter({ clock, logger: false, transports: { litellm } });
    const usage = collect(router, 'usage');
    const stream = router.stream(hello);
    const reading = readAll(stream);
    await clock.advance(700);
    await clock.advance(50);
    await clock.advance(50);
    expect(textOf(await reading)).toBe('Hello');
    const result = await stream.result;
    expect(result.timeToFirstTokenMs).toBe(750);
    expect(result.latencyMs).toBe(800);
    expect(usage[0]).toMatchObject({ timeToFirstTokenMs: 750, latencyMs: 800, stream: true });
    expect(litellm.calls[0]?.stream).toBe(true);
  });

  test('a stall after content aborts the stream after the idle timeout as a timeout', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [{ chunks: ['a', 'b', 'c'], stallAfterChunks: 2 }],
    });
    const router = createRouter({ clock, logger: false, transports: { litellm }, attemptTimeoutMs: 20_000 });
    const stream = router.stream(hello);
    const reading = readAll(stream).catch((caught: unknown) => caught);
    await clock.waitForTimer((timer) => timer.delayMs === 20_000);
    await clock.advance(20_000);
    const error = (await reading) as StreamInterruptedError;
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(error.partialText).toBe('ab');
    expect(error.error.kind).toBe('timeout');
  });

  test('a scripted error before content falls back; after content it does not', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({
      gateway: 'litellm',
      clock,
      replies: [
        { text: 'never', streamError: { error: 'unavailable', afterChunks: 0 } },
        { chunks: ['one ', 'two'], streamError: { error: 'server-error', afterChunks: 1 } },
      ],
    });
    const openrouter = createFakeTransport({
      gateway: 'openrouter',
      clock,
      fallback: { chunks: ['fallback'] },
    });
    const router = createRouter({ clock, logger: false, transports: { litellm, openrouter } });
    expect((await router.stream(hello).result).text).toBe('fallback');
    const error = await router.stream(hello).result.catch((caught: unknown) => caught);
    expect((error as StreamInterruptedError).partialText).toBe('one ');
    expect(openrouter.calls).toHaveLength(1);
  });
});
