import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { createFakeClock } from '../../src/testing/index.ts';
import { AttemptTimeoutReason } from '../../src/transports/abort-reasons.ts';
import { createLiteLLMTransport } from '../../src/transports/litellm/create-litellm-transport.ts';
import {
  classifyTransportError,
  type FailureContext,
  readHttpFailure,
} from '../../src/transports/openai-compatible/classify-http-failure.ts';
import { createOpenAICompatibleTransport } from '../../src/transports/openai-compatible/create-openai-compatible-transport.ts';
import { readBoundedText } from '../../src/transports/read-bounded-text.ts';
import { UnreadableAnswer } from '../../src/transports/unreadable-answer.ts';
import type { TransportRequest } from '../../src/types/transport.ts';

// The gateway transport is written on `fetch`: these cases drive it through an injected `fetch`
// (what a caller may pass as the `fetch` setting) to check what it sends and how it reads failures
// that a loopback server cannot easily produce.

const KEY = 'sk-gateway-secret-0123456789';
const BYOK = 'sk-user-own-key-9876543210';

interface Sent {
  url: string;
  init: RequestInit;
}

function recordingFetch(answer: () => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent.push({ url: String(input), init: init ?? {} });
    return answer();
  };
  return { sent, fetch };
}

function request(overrides: Partial<TransportRequest> = {}): TransportRequest {
  return {
    callId: 'call-1',
    provider: 'openai',
    model: 'gpt-5.4-mini',
    messages: [{ role: 'user', content: 'hello' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

const completion = JSON.stringify({
  model: 'gpt-5.4-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 1 },
});
const json = (body: string, init: ResponseInit = {}) =>
  new Response(body, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });

function context(signal = new AbortController().signal): FailureContext {
  return {
    gateway: 'litellm',
    provider: 'openai',
    model: 'gpt-5.4-mini',
    signal,
    secrets: [KEY],
    usedProviderKey: false,
    defaultScope: 'gateway',
    now: 0,
  };
}

describe('what the transport sends', () => {
  test('one JSON body, the bearer key, gateway headers of any spelling, per-request headers', async () => {
    const { sent, fetch } = recordingFetch(() =>
      json(completion, { headers: { 'x-litellm-response-cost': '0.5' } }),
    );
    const transport = createLiteLLMTransport({
      baseURL: 'http://proxy.test/',
      apiKey: KEY,
      clock: createFakeClock(),
      fetch,
      headers: { 'X-Team': 'a', Authorization: 'Bearer override-by-settings' },
    });
    const result = await transport.chat(request({ tags: ['t'], providerApiKey: BYOK }));
    expect(result).toMatchObject({
      text: 'hi',
      finishReason: 'stop',
      costUsd: 0.5,
      servedModel: 'gpt-5.4-mini',
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('http://proxy.test/v1/chat/completions');
    expect(sent[0]?.init.method).toBe('POST');
    expect(JSON.parse(sent[0]?.init.body as string)).toEqual({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'hello' }],
      metadata: { tags: ['t'] },
      api_key: BYOK,
    });
    expect(sent[0]?.init.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer override-by-settings',
      'x-team': 'a',
      'x-litellm-call-id': 'call-1',
    });
  });

  test('no key: no authorization header; a stream asks for SSE and the usage chunk', async () => {
    const { sent, fetch } = recordingFetch(
      () => new Response('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } }),
    );
    const transport = createOpenAICompatibleTransport({
      gateway: 'direct',
      baseURL: 'http://provider.test/v1',
      apiKey: undefined,
      clock: createFakeClock(),
      fetch,
    });
    const stream = await transport.stream(request());
    for await (const _ of stream) expect.unreachable();
    const headers = sent[0]?.init.headers as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers.accept).toBe('text/event-stream');
    expect(JSON.parse(sent[0]?.init.body as string)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe('failures', () => {
  const transportWith = (fetch: typeof globalThis.fetch, clientTimeoutMs?: number) =>
    createOpenAICompatibleTransport({
      gateway: 'litellm',
      baseURL: 'http://proxy.test/v1',
      apiKey: KEY,
      clock: createFakeClock(),
      fetch,
      clientTimeoutMs,
    });

  test.each([
    ['ECONNREFUSED', 'connection-refused'],
    ['ENOTFOUND', 'connection-refused'],
    ['ECONNRESET', 'connection-reset'],
    ['UND_ERR_SOCKET', 'connection-reset'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ])('undici "fetch failed" with cause %s is %s, the key never in the message', async (code, kind) => {
    const cause = Object.assign(new Error(`connect ${code} with ${KEY}`), { code });
    const transport = transportWith(async () => {
      throw new TypeError('fetch failed', { cause });
    });
    const error = await transport.chat(request()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind, gateway: 'litellm', cause: { code } });
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  test('the attempt timeout is a timeout, the caller aborting is aborted', async () => {
    const hang: typeof globalThis.fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    const timedOut = new AbortController();
    const pending = transportWith(hang).chat(request({ signal: timedOut.signal }));
    timedOut.abort(new AttemptTimeoutReason(100));
    await expect(pending).rejects.toMatchObject({ kind: 'timeout' });
    const aborted = new AbortController();
    const pendingToo = transportWith(hang).chat(request({ signal: aborted.signal }));
    aborted.abort();
    await expect(pendingToo).rejects.toMatchObject({ kind: 'aborted' });
  });

  test('clientTimeoutMs bounds a request that never answers', async () => {
    const hang: typeof globalThis.fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
      );
    await expect(transportWith(hang, 20).chat(request())).rejects.toMatchObject({
      kind: 'timeout',
      message: 'The gateway did not answer in time.',
    });
  });

  test('an HTTP error: status, body message, retry-after, request id and billed cost; secrets removed', async () => {
    const transport = createLiteLLMTransport({
      baseURL: 'http://proxy.test',
      apiKey: KEY,
      clock: createFakeClock(),
      fetch: async () =>
        json(JSON.stringify({ error: { message: `Rate limited for key ${KEY}`, type: 'throttling' } }), {
          status: 429,
          headers: { 'retry-after': '3', 'x-request-id': 'req-9', 'x-litellm-response-cost': '0.25' },
        }),
    });
    const error = await transport.chat(request()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      kind: 'rate-limited',
      status: 429,
      retryAfterMs: 3000,
      requestId: 'req-9',
      billedCostUsd: 0.25,
    });
    expect((error as Error).message).toContain('Rate limited for key');
    expect(JSON.stringify(error)).not.toContain(KEY);
  });

  test('a 200 answer that is not JSON is a bad-response', async () => {
    const error = await transportWith(async () => json('<html>oops</html>'))
      .chat(request())
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/not valid JSON/) });
  });

  test('leaving a stream early cancels its body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: {"choices":[{"delta":{"content":"x"}}]}\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const transport = transportWith(
      async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    );
    const stream = await transport.stream(request());
    for await (const part of stream) {
      expect(part).toEqual({ type: 'text-delta', text: 'x' });
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('readHttpFailure', () => {
  test.each([
    ['{"error":{"message":"bad","code":400}}', 'bad', { message: 'bad', code: 400 }],
    ['{"error":{"message":{"detail":"x"}}}', '{"detail":"x"}', { message: { detail: 'x' } }],
    ['{"error":"plain words"}', 'plain words', { error: 'plain words' }],
    ['{"detail":"not found"}', '404 {"detail":"not found"}', { detail: 'not found' }],
    ['Bad Gateway', '404 Bad Gateway', undefined],
    ['', '404 status code (no body)', undefined],
  ])('%s → message %s', (text, message, body) => {
    const failure = readHttpFailure(404, text, undefined);
    expect(failure.message).toBe(message);
    expect(failure.body).toEqual(body);
  });

  test('a long message is cut to 1000 characters', () => {
    const failure = readHttpFailure(500, JSON.stringify({ error: { message: 'x'.repeat(5000) } }), undefined);
    expect(failure.message).toHaveLength(1001);
  });
});

describe('classifyTransportError', () => {
  test('a body cut while reading is a connection-reset; an UnreadableAnswer a bad-response', () => {
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(classifyTransportError(terminated, context(), 'read')).toMatchObject({
      kind: 'connection-reset',
      message: 'The connection to litellm broke (UND_ERR_SOCKET).',
    });
    expect(classifyTransportError(new UnreadableAnswer('too big'), context(), 'read')).toMatchObject({
      kind: 'bad-response',
    });
  });
});

describe('readBoundedText', () => {
  const limit = 1024;
  test('a declared length past the bound fails before reading', async () => {
    const response = new Response('x'.repeat(2000), { headers: { 'content-length': '2000' } });
    await expect(readBoundedText(response, limit, 'answerLimits.maxBodyBytes')).rejects.toThrow(
      /answerLimits\.maxBodyBytes \(1024 bytes\)/,
    );
  });

  test('a compressed answer is counted as it inflates, whatever its declared length', async () => {
    const inflated = 'y'.repeat(50_000);
    const compressed = gzipSync(inflated);
    const response = new Response(
      new ReadableStream({
        start(controller) {
          // What undici hands over for a gzip answer: the inflated bytes, with the compressed length.
          controller.enqueue(new TextEncoder().encode(inflated));
          controller.close();
        },
      }),
      { headers: { 'content-length': String(compressed.length), 'content-encoding': 'gzip' } },
    );
    await expect(readBoundedText(response, limit, 'answerLimits.maxBodyBytes')).rejects.toBeInstanceOf(
      UnreadableAnswer,
    );
  });

  test('within the bound, chunked or declared, the whole text', async () => {
    expect(await readBoundedText(new Response('ok'), limit, 's')).toBe('ok');
    const chunked = new Response(
      new ReadableStream({
        start(controller) {
          // A UTF-8 character split across chunks.
          const bytes = new TextEncoder().encode('☕ ü');
          controller.enqueue(bytes.slice(0, 2));
          controller.enqueue(bytes.slice(2));
          controller.close();
        },
      }),
    );
    expect(await readBoundedText(chunked, limit, 's')).toBe('☕ ü');
  });
});
