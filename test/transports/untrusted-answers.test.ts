import { afterEach, describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  type GatewayError,
  type Transport,
  type TransportStreamPart,
} from '../../src/index.ts';
import { hello, startGateways } from '../helpers/gateways.ts';

// A gateway's answer is untrusted input: no answer may pollute prototypes, freeze the event loop,
// or put a value of the wrong type into a result. Each case is answered by a loopback OpenRouter
// (the real openai client reads it); the router must fail the attempt with a typed `bad-response`.

/** An SSE body: each payload as one `data:` event, then `[DONE]`. */
function sse(...payloads: unknown[]): string[] {
  return [...payloads.map((payload) => `data: ${JSON.stringify(payload)}\n\n`), 'data: [DONE]\n\n'];
}

const SSE_HEADERS = { 'content-type': 'text/event-stream' };

function toolCallChunk(call: Record<string, unknown>) {
  return { choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }] };
}

/** OpenRouter alone, answering every request with `body`; returns the call's error. */
async function failureOf(
  raw: { body: string | readonly string[]; headers?: Record<string, string>; status?: number },
  stream: boolean,
): Promise<GatewayError> {
  const { router, openrouter } = await startGateways({
    gateways: { litellm: { enabled: false } },
    retry: { maxRetries: 0 },
  });
  openrouter.fail({ raw }, { times: 10 });
  const error = stream
    ? await router.stream(hello).result.catch((caught: unknown) => caught)
    : await router.chat(hello).catch((caught: unknown) => caught);
  expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
  const attemptError = (error as AllCandidatesFailedError).errors[0] as GatewayError;
  expect(attemptError.kind).toBe('bad-response');
  const [record] = await router.usage.query();
  expect(record).toMatchObject({ status: 'error', inputTokens: 0, outputTokens: 0, costUsd: 0 });
  return attemptError;
}

const PROTOTYPE_KEYS = ['id', 'name', 'arguments'];
afterEach(() => {
  // Undo any pollution so that one failing case does not break every later test.
  for (const key of PROTOTYPE_KEYS) {
    delete (Array.prototype as unknown as Record<string, unknown>)[key];
    delete (Object.prototype as unknown as Record<string, unknown>)[key];
  }
});

function expectPrototypesUntouched(): void {
  for (const key of PROTOTYPE_KEYS) {
    expect(Object.hasOwn(Array.prototype, key), `Array.prototype.${key}`).toBe(false);
    expect(Object.hasOwn(Object.prototype, key), `Object.prototype.${key}`).toBe(false);
  }
}

describe('tool-call indexes from the wire', () => {
  test('"__proto__" as a streamed tool-call index is a bad answer and pollutes no prototype', async () => {
    const error = await failureOf(
      {
        headers: SSE_HEADERS,
        body: sse(
          toolCallChunk({ index: '__proto__', id: 'call_x', function: { name: 'f', arguments: '{}' } }),
        ),
      },
      true,
    );
    expect(error.message).toMatch(/index/);
    expectPrototypesUntouched();
    expect(([] as unknown as { id?: unknown }).id).toBeUndefined();
  });

  test('a huge streamed tool-call index (1e8, 4294967294) fails at once instead of freezing', async () => {
    for (const index of [1e8, 4_294_967_294, -1, 1.5, 128]) {
      const started = performance.now();
      const error = await failureOf(
        {
          headers: SSE_HEADERS,
          body: sse(toolCallChunk({ index, id: 'call_x', function: { name: 'f', arguments: '{}' } })),
        },
        true,
      );
      expect(error.message).toContain(`index is ${index}`);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  test("a transport of one's own handing over a bad index is refused by the router too", async () => {
    const parts: TransportStreamPart[] = [
      { type: 'text-delta', text: 'hi' },
      { type: 'tool-call-delta', index: '__proto__' as unknown as number, id: 'call_x', argumentsDelta: '' },
    ];
    const litellm: Transport = {
      gateway: 'litellm',
      chat: () => Promise.reject(new Error('unused')),
      stream: async () => ({
        requestId: undefined,
        rateLimit: undefined,
        async *[Symbol.asyncIterator]() {
          yield* parts;
        },
      }),
    };
    const router = createRouter({ logger: false, transports: { litellm } });
    const error = await router.stream(hello).result.catch((caught: unknown) => caught);
    expect((error as { error?: GatewayError }).error?.kind).toBe('bad-response');
    expectPrototypesUntouched();
    await router.close();
  });
});

describe('answers of the wrong type', () => {
  const completion = (message: unknown) => ({
    body: JSON.stringify({
      id: 'x',
      choices: [{ index: 0, message, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 1 },
    }),
    headers: { 'content-type': 'application/json' },
  });

  test.each([
    ['a number as content', { content: 5 }, /message\.content is a number/],
    ['an object as content', { content: { text: 'x' } }, /message\.content is an object/],
    [
      'a numeric tool-call id',
      { tool_calls: [{ id: 7, function: { name: 'f', arguments: '{}' } }] },
      /id is a number/,
    ],
    [
      'a numeric tool name',
      { tool_calls: [{ id: 'c', function: { name: 7, arguments: '{}' } }] },
      /name is a number/,
    ],
    [
      'object arguments',
      { tool_calls: [{ id: 'c', function: { name: 'f', arguments: { a: 1 } } }] },
      /arguments is an object/,
    ],
    ['tool_calls not an array', { tool_calls: { 0: {} } }, /tool_calls is an object/],
  ])('whole answer with %s: bad-response, nothing of it reaches a result', async (_, message, pattern) => {
    const error = await failureOf(completion(message), false);
    expect(error.message).toMatch(pattern);
  });

  test.each([
    ['a number as delta content', { choices: [{ delta: { content: 5 } }] }, /delta\.content is a number/],
    ['a numeric tool-call id', toolCallChunk({ index: 0, id: 5, function: { name: 'f' } }), /id is a number/],
    [
      'object arguments',
      toolCallChunk({ index: 0, function: { name: 'f', arguments: {} } }),
      /arguments is an object/,
    ],
    ['a chunk that is not an object', 42, /is a number/],
    ['choices not an array', { choices: 'abc' }, /choices is a string/],
  ])('stream with %s: bad-response before any content', async (_, chunk, pattern) => {
    const error = await failureOf({ headers: SSE_HEADERS, body: sse(chunk) }, true);
    expect(error.message).toMatch(pattern);
  });

  test('content given as text parts (Mistral reasoning models) is read as its text', async () => {
    const { router, openrouter } = await startGateways({ gateways: { litellm: { enabled: false } } });
    openrouter.fail({
      raw: completion({
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: 'hmm' }] },
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'there' },
        ],
      }),
    });
    expect((await router.chat(hello)).text).toBe('Hello there');
  });
});

describe('waits a gateway asks for', () => {
  test.each([
    ['Retry-After: 1e308', { status: 429, headers: { 'retry-after': '1e308' } }],
    ['retry-after-ms: 1e300', { status: 429, headers: { 'retry-after-ms': '1e300' } }],
    [
      'OpenRouter availability.retry_after 1e300',
      {
        status: 429,
        metadata: {},
        body: {
          error: {
            code: 429,
            message: 'busy',
            availability: { code: 'capacity_exhausted', retry_after: 1e300 },
          },
        },
      },
    ],
  ])('%s is taken as one day at most', async (_, fault) => {
    const { router, openrouter } = await startGateways({
      gateways: { litellm: { enabled: false } },
      retry: { maxRetries: 0 },
    });
    openrouter.fail(fault);
    const error = await router.chat(hello).catch((caught: unknown) => caught);
    expect((error as AllCandidatesFailedError).errors[0]).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 86_400_000,
    });
  });
});
