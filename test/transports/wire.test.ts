import { expect, test } from 'vitest';
import { createRouter } from '../../src/index.ts';
import { startLiteLLMServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { hello, OPENROUTER_KEY, startGateways } from '../helpers/gateways.ts';

test('a LiteLLM without a key gets no Authorization header at all', async () => {
  const litellm = await startLiteLLMServer();
  const router = createRouter({ logger: false, gateways: { litellm: { baseURL: litellm.baseURL } } });
  try {
    await router.chat(hello);
    expect(litellm.chatRequests[0]?.headers.authorization).toBeUndefined();
  } finally {
    await router.close();
    await litellm.close();
  }
});

test('messages, tools, tool choice, JSON schema, temperature and max tokens reach the wire in OpenAI form', async () => {
  const { router, litellm } = await startGateways();
  litellm.setReply(() => ({
    text: '',
    toolCalls: [{ id: 'call_7', name: 'lookup', arguments: '{"id":42}' }],
  }));
  const tools = [
    {
      name: 'lookup',
      description: 'Find a ticket',
      parameters: { type: 'object', properties: { id: { type: 'number' } } },
    },
  ];

  const reply = await router.chat({
    model: 'openai/gpt-5.4-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', url: 'https://example.com/a.png' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"id":1}' }],
      },
      { role: 'tool', toolCallId: 'call_1', content: '{"title":"Refund"}' },
    ],
    tools,
    toolChoice: { name: 'lookup' },
    responseFormat: { type: 'json', schema: { type: 'object' }, name: 'answer' },
    temperature: 0.2,
    maxTokens: 300,
  });

  expect(litellm.chatRequests[0]?.body).toMatchObject({
    messages: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"title":"Refund"}' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'lookup', description: 'Find a ticket', parameters: tools[0]?.parameters },
      },
    ],
    tool_choice: { type: 'function', function: { name: 'lookup' } },
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    temperature: 0.2,
    max_tokens: 300,
  });
  expect(reply.finishReason).toBe('tool-calls');
  expect(reply.toolCalls).toEqual([{ id: 'call_7', name: 'lookup', arguments: '{"id":42}' }]);
  expect(reply.message).toEqual({ role: 'assistant', content: null, toolCalls: reply.toolCalls });
});

test('OpenRouter gets its slug, attribution headers and user; cost comes from usage.cost', async () => {
  const openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY });
  const router = createRouter({
    logger: false,
    gateways: {
      litellm: { enabled: false },
      openrouter: {
        baseURL: openrouter.baseURL,
        apiKey: OPENROUTER_KEY,
        appUrl: 'https://app.example.com',
        appName: 'Agent X',
      },
    },
  });
  try {
    openrouter.setReply(() => ({ text: 'ok', promptTokens: 1000, completionTokens: 100, costUsd: 0.0123 }));
    const reply = await router.chat({
      model: 'anthropic/claude-haiku-4-5',
      messages: hello.messages,
      user: 'user-9',
    });
    const request = openrouter.chatRequests[0];
    expect(request?.path).toBe('/api/v1/chat/completions');
    expect(request?.headers['http-referer']).toBe('https://app.example.com');
    expect(request?.headers['x-openrouter-title']).toBe('Agent X');
    expect(request?.body).toMatchObject({ model: 'anthropic/claude-haiku-4.5', user: 'user-9' });
    expect(reply.cost).toEqual({ usd: 0.0123, source: 'gateway' });
    expect(reply.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 100,
      cachedInputTokens: 0,
      totalTokens: 1100,
    });
  } finally {
    await router.close();
    await openrouter.close();
  }
});

test('without a gateway cost, cost comes from catalog prices (cached input at its own price)', async () => {
  const { router, litellm } = await startGateways();
  litellm.setReply(() => ({
    text: 'ok',
    promptTokens: 10_000,
    completionTokens: 2_000,
    cachedTokens: 4_000,
    costUsd: null,
  }));
  const reply = await router.chat(hello);
  // gpt-5.4-mini: $0.75 / 1M in, $0.075 / 1M cached, $4.50 / 1M out.
  expect(reply.cost.source).toBe('catalog');
  expect(reply.cost.usd).toBeCloseTo(6_000 * 0.75e-6 + 4_000 * 0.075e-6 + 2_000 * 4.5e-6, 12);
  expect(reply.usage.cachedInputTokens).toBe(4_000);
});

test('OpenRouter errors inside a 200 body fail the attempt like an HTTP error', async () => {
  const { router, litellm, openrouter } = await startGateways({ gateways: { litellm: { enabled: false } } });
  void litellm;
  openrouter.fail({
    status: 200,
    body: {
      choices: [
        {
          index: 0,
          message: { content: '' },
          finish_reason: 'error',
          error: { code: 502, message: 'upstream died' },
        },
      ],
    },
  });
  const error = (await router.chat(hello).catch((caught: unknown) => caught)) as {
    errors: { kind: string; message: string }[];
  };
  expect(error.errors[0]).toMatchObject({ kind: 'unavailable', message: 'upstream died' });
});

test('OpenRouter 402 credit errors are billing, the in-flight budget is a rate limit', async () => {
  const { router, openrouter } = await startGateways({
    gateways: { litellm: { enabled: false } },
    retry: { maxRetries: 0 },
  });
  openrouter.fail({
    status: 402,
    message: 'Insufficient credits',
    metadata: { limit_source: 'openrouter_credits' },
  });
  const credits = (await router.chat(hello).catch((caught: unknown) => caught)) as {
    errors: { kind: string }[];
  };
  expect(credits.errors[0]?.kind).toBe('billing');
  openrouter.fail({
    status: 402,
    message: 'busy',
    metadata: { limit_source: 'openrouter_in_flight_budget' },
    retryAfterSeconds: 1,
  });
  const inFlight = (await router.chat(hello).catch((caught: unknown) => caught)) as {
    errors: { kind: string; retryAfterMs: number }[];
  };
  expect(inFlight.errors[0]).toMatchObject({ kind: 'rate-limited', retryAfterMs: 1_000 });
});
