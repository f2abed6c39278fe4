import { afterEach, describe, expect, it } from 'vitest';
import { CallError, NoCandidatesError } from '../../src/errors/call-errors.ts';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import { RouterError } from '../../src/errors/router-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { ChatMessage, ChatOptions } from '../../src/types/chat.ts';

const routers: Router[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

function setup() {
  const clock = createFakeClock();
  const litellm = createFakeTransport({ gateway: 'litellm', clock });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
  const router = createRouter({ clock, logger: false, transports: { litellm, openrouter } });
  routers.push(router);
  const sent = () => litellm.calls.length + openrouter.calls.length;
  return { router, sent };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected');
}

const hello: ChatMessage[] = [{ role: 'user', content: 'Hello' }];
const tool = { name: 'get_weather', parameters: { type: 'object', properties: {} } };

describe('router.chat() option checks', () => {
  // Options a TypeScript caller could not write, as a JavaScript caller could.
  const cases: [string, Record<string, unknown>, string][] = [
    ['no messages', { messages: [] }, 'messages'],
    ['messages missing', {}, 'messages'],
    ['messages not an array', { messages: 'Hello' }, 'messages'],
    ['an unknown role', { messages: [...hello, { role: 'bot', content: 'Hi' }] }, 'messages[1].role'],
    ['a null message', { messages: [null] }, 'messages[0].role'],
    [
      'a tool message without toolCallId',
      {
        messages: [
          ...hello,
          { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
          { role: 'tool', content: '{}' },
        ],
      },
      'messages[2].toolCallId',
    ],
    ['content of the wrong type', { messages: [{ role: 'user', content: 42 }] }, 'messages[0].content'],
    [
      'parts in a system message',
      { messages: [{ role: 'system', content: [{ type: 'text', text: 'x' }] }, ...hello] },
      'messages[0].content',
    ],
    ['null content from the user', { messages: [{ role: 'user', content: null }] }, 'messages[0].content'],
    ['temperature above 2', { messages: hello, temperature: 2.5 }, 'temperature'],
    ['a negative temperature', { messages: hello, temperature: -0.1 }, 'temperature'],
    ['a NaN temperature', { messages: hello, temperature: Number.NaN }, 'temperature'],
    ['a temperature given as a string', { messages: hello, temperature: '0.7' }, 'temperature'],
    ['maxTokens of 0', { messages: hello, maxTokens: 0 }, 'maxTokens'],
    ['a fractional maxTokens', { messages: hello, maxTokens: 1.5 }, 'maxTokens'],
    ['maxTokens as a string', { messages: hello, maxTokens: '100' }, 'maxTokens'],
    [
      'a tool name with spaces',
      { messages: hello, tools: [{ ...tool, name: 'get weather' }] },
      'tools[0].name',
    ],
    [
      'a tool name over 64 characters',
      { messages: hello, tools: [tool, { ...tool, name: 'f'.repeat(65) }] },
      'tools[1].name',
    ],
    ['an empty tool name', { messages: hello, tools: [{ ...tool, name: '' }] }, 'tools[0].name'],
    ['tool parameters missing', { messages: hello, tools: [{ name: 'f' }] }, 'tools[0].parameters'],
    ['tools not an array', { messages: hello, tools: tool }, 'tools'],
    ['a numeric model', { messages: hello, model: 42 }, 'model'],
    ['an empty model list', { messages: hello, model: [] }, 'model'],
    ['a model list with a non-string', { messages: hello, model: ['openai/gpt-5.5', 7] }, 'model'],
    ['a zero timeoutMs', { messages: hello, timeoutMs: 0 }, 'timeoutMs'],
    ['an empty user', { messages: hello, user: '' }, 'user'],
    ['non-string tags', { messages: hello, tags: ['a', 1] }, 'tags'],
    [
      'a negative minContextTokens',
      { messages: hello, require: { minContextTokens: -1 } },
      'require.minContextTokens',
    ],
    [
      'a price cap given as a string',
      { messages: hello, require: { maxInputPricePerMillion: '1' } },
      'require.maxInputPricePerMillion',
    ],
  ];

  const cyclic: Record<string, unknown> = { type: 'object' };
  cyclic.properties = { self: cyclic };
  let deep: Record<string, unknown> = { type: 'string' };
  for (let level = 0; level < 5_000; level++) deep = { type: 'array', items: deep };
  const call = { id: 'call_1', name: 'get_weather', arguments: '{}' };
  const withToolCalls = (toolCalls: unknown) => ({
    messages: [...hello, { role: 'assistant', content: null, toolCalls }, { role: 'user', content: 'Go on' }],
  });
  const withParts = (content: unknown) => ({ messages: [{ role: 'user', content }] });

  // Issue 16, items 6 to 9: options that used to throw a bare TypeError, hang, or reach the gateway.
  cases.push(
    // 6. signal
    ['a signal that is an empty object', { messages: hello, signal: {} }, 'signal'],
    ['a signal that is a string', { messages: hello, signal: 'abc' }, 'signal'],
    ['a signal that is an AbortController', { messages: hello, signal: new AbortController() }, 'signal'],
    // 7. content parts
    ['a null content part', withParts([null]), 'messages[0].content[0]'],
    [
      'a text part with a numeric text',
      withParts([{ type: 'text', text: 0 }]),
      'messages[0].content[0].text',
    ],
    ['a text part without text', withParts([{ type: 'text' }]), 'messages[0].content[0].text'],
    ['an image part without url', withParts([{ type: 'image' }]), 'messages[0].content[0].url'],
    [
      'an image part with an object url',
      withParts([{ type: 'image', url: {} }]),
      'messages[0].content[0].url',
    ],
    [
      'an unknown part type',
      withParts([
        { type: 'text', text: 'a' },
        { type: 'audio', data: 'x' },
      ]),
      'messages[0].content[1].type',
    ],
    ['a part that is a string', withParts(['Hello']), 'messages[0].content[0]'],
    ['no parts at all', withParts([]), 'messages[0].content'],
    // 8. toolCalls and tool parameters
    ['toolCalls that is an object', withToolCalls({}), 'messages[1].toolCalls'],
    ['a tool call that is empty', withToolCalls([{}]), 'messages[1].toolCalls[0].id'],
    ['a tool call that is null', withToolCalls([null]), 'messages[1].toolCalls[0]'],
    ['a tool call with numeric name', withToolCalls([{ ...call, name: 5 }]), 'messages[1].toolCalls[0].name'],
    [
      'a tool call with object arguments',
      withToolCalls([call, { ...call, arguments: { city: 'Paris' } }]),
      'messages[1].toolCalls[1].arguments',
    ],
    [
      'cyclic tool parameters',
      { messages: hello, tools: [{ name: 'f', parameters: cyclic }] },
      'tools[0].parameters',
    ],
    [
      'BigInt in tool parameters',
      { messages: hello, tools: [{ name: 'f', parameters: { type: 'integer', maximum: 10n } }] },
      'tools[0].parameters',
    ],
    [
      'tool parameters 5,000 levels deep',
      { messages: hello, tools: [{ name: 'f', parameters: deep }] },
      'tools[0].parameters',
    ],
    [
      'a function in tool parameters',
      { messages: hello, tools: [{ name: 'f', parameters: { type: 'object', check: () => true } }] },
      'tools[0].parameters',
    ],
    [
      'NaN in tool parameters',
      { messages: hello, tools: [{ name: 'f', parameters: { type: 'number', minimum: Number.NaN } }] },
      'tools[0].parameters',
    ],
    [
      'a Date in tool parameters',
      { messages: hello, tools: [{ name: 'f', parameters: { type: 'string', default: new Date(0) } }] },
      'tools[0].parameters',
    ],
    [
      'tool parameters that are an array',
      { messages: hello, tools: [{ name: 'f', parameters: [] }] },
      'tools[0].parameters',
    ],
    // 9. toolChoice, responseFormat, descriptions, requirements
    ['a toolChoice of the wrong word', { messages: hello, tools: [tool], toolChoice: 'any' }, 'toolChoice'],
    ['a numeric toolChoice', { messages: hello, tools: [tool], toolChoice: 1 }, 'toolChoice'],
    [
      'a toolChoice naming no tool',
      { messages: hello, tools: [tool], toolChoice: { name: 'nope' } },
      'toolChoice.name',
    ],
    [
      'a toolChoice with a numeric name',
      { messages: hello, tools: [tool], toolChoice: { name: 1 } },
      'toolChoice',
    ],
    ["toolChoice 'required' without tools", { messages: hello, toolChoice: 'required' }, 'toolChoice'],
    ['a responseFormat string', { messages: hello, responseFormat: 'json' }, 'responseFormat'],
    [
      'a responseFormat of unknown type',
      { messages: hello, responseFormat: { type: 'xml' } },
      'responseFormat',
    ],
    [
      'a responseFormat schema string',
      { messages: hello, responseFormat: { type: 'json', schema: '{}' } },
      'responseFormat.schema',
    ],
    [
      'a cyclic responseFormat schema',
      { messages: hello, responseFormat: { type: 'json', schema: cyclic } },
      'responseFormat.schema',
    ],
    [
      'a responseFormat name with spaces',
      { messages: hello, responseFormat: { type: 'json', name: 'my answer' } },
      'responseFormat.name',
    ],
    [
      'a numeric tool description',
      { messages: hello, tools: [{ ...tool, description: 5 }] },
      'tools[0].description',
    ],
    ['two tools of one name', { messages: hello, tools: [tool, tool] }, 'tools[1].name'],
    ['require.tools as a string', { messages: hello, require: { tools: 'yes' } }, 'require.tools'],
    ['require.json as a number', { messages: hello, require: { json: 1 } }, 'require.json'],
    ['require.vision as null', { messages: hello, require: { vision: null } }, 'require.vision'],
    ['require.providers of -1', { messages: hello, require: { providers: -1 } }, 'require.providers'],
    [
      'require.providers with an id that is not a provider id',
      { messages: hello, require: { providers: ['openai', 'Open AI'] } },
      'require.providers',
    ],
    [
      'require.providers with a non-string id',
      { messages: hello, require: { providers: ['openai', 5] } },
      'require.providers',
    ],
    ['require as an array', { messages: hello, require: [] }, 'require'],
    ['maxTokens beyond what any model takes', { messages: hello, maxTokens: 1e300 }, 'maxTokens'],
  );

  const named = cases.map(([what, options, option]) => [what, option, options] as const);

  it.each(named)('rejects %s, naming %s, before sending anything', async (_what, option, options) => {
    const { router, sent } = setup();
    const error = await rejection(router.chat(options as unknown as ChatOptions));
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(RouterError.isInstance(error)).toBe(true);
    const invalid = error as InvalidRequestError;
    expect(invalid.option).toBe(option);
    expect(invalid.message.startsWith(`${option}: `)).toBe(true);
    expect(invalid.isRetryable).toBe(false);
    expect(sent()).toBe(0);
  });

  it.each(named)('stream() throws at once for %s, naming %s', (_what, option, options) => {
    const { router, sent } = setup();
    let thrown: unknown;
    try {
      router.stream(options as unknown as ChatOptions);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidRequestError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidRequestError).option).toBe(option);
    expect(sent()).toBe(0);
  });

  it('accepts every valid shape: signals, parts, tool calls, tool choices, formats, requirements', async () => {
    const { router, sent } = setup();
    const controller = new AbortController();
    const options: ChatOptions = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '' },
            { type: 'image', url: 'data:image/png;base64,AAAA' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: '{"sunny":true}' },
        { role: 'assistant', content: 'Sunny.', toolCalls: [] },
        { role: 'user', content: 'Thanks' },
      ],
      signal: controller.signal,
      tools: [
        {
          ...tool,
          description: 'Weather now',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', enum: ['a', undefined] } },
            extra: undefined,
          },
        },
      ],
      toolChoice: { name: 'get_weather' },
      require: { tools: true, vision: true, json: false, providers: ['openai', 'anthropic'] },
      responseFormat: {
        type: 'json',
        schema: { type: 'object', additionalProperties: false },
        name: 'answer_1',
      },
    };
    await router.chat(options);
    await router.chat({ messages: hello, signal: AbortSignal.timeout(60_000) });
    await router.chat({ messages: hello, signal: null as unknown as AbortSignal });
    for (const toolChoice of ['auto', 'none', 'required'] as const)
      await router.chat({ messages: hello, tools: [tool], toolChoice });
    await router.chat({ messages: hello, responseFormat: { type: 'text' } });
    const parameters = { type: 'object', properties: Object.create(null) as Record<string, unknown> };
    await router.chat({ messages: hello, tools: [{ name: 'g', parameters }] });
    expect(sent()).toBe(8);
  });

  it('require.providers takes any provider the catalog knows, beyond the five (groq)', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const groq = {
      id: 'groq/llama-3.3-70b',
      provider: 'groq',
      name: 'Llama 3.3 70B',
      tier: 'cheap' as const,
      contextWindow: 128_000,
      maxOutputTokens: 8_000,
      pricing: { inputPerToken: 5.9e-7, outputPerToken: 7.9e-7 },
      capabilities: { tools: true, vision: false, json: true, streaming: true },
      gatewayModels: { litellm: 'groq/llama-3.3-70b-versatile' },
    };
    const router = createRouter({
      clock,
      logger: false,
      transports: { litellm },
      catalog: { refreshIntervalMs: 0, models: [groq] },
    });
    routers.push(router);
    const reply = await router.chat({ messages: hello, require: { providers: ['groq'] } });
    expect(reply.route).toMatchObject({ provider: 'groq', model: 'groq/llama-3.3-70b' });
    // An id no catalog model has leaves no candidate: a typed NoCandidatesError, nothing sent.
    const error = await rejection(router.chat({ messages: hello, require: { providers: ['acme'] } }));
    expect(NoCandidatesError.isInstance(error)).toBe(true);
    expect(litellm.calls.length).toBe(1);
  });

  it('a JSON Schema 64 levels deep is accepted, 65 is not', async () => {
    const { router } = setup();
    const nest = (levels: number) => {
      let schema: Record<string, unknown> = { type: 'string' };
      for (let level = 1; level < levels; level++) schema = { type: 'array', items: schema };
      return schema;
    };
    await router.chat({ messages: hello, tools: [{ name: 'f', parameters: nest(64) }] });
    const error = await rejection(
      router.chat({ messages: hello, tools: [{ name: 'f', parameters: nest(65) }] }),
    );
    expect((error as InvalidRequestError).option).toBe('tools[0].parameters');
    expect((error as InvalidRequestError).message).toMatch(/64 levels/);
  });

  it('options whose getters throw are a typed error, without the thrown message', async () => {
    const { router, sent } = setup();
    const options = {
      messages: hello,
      get user(): string {
        throw new TypeError('sk-secret-in-a-getter');
      },
    };
    const error = await rejection(router.chat(options as unknown as ChatOptions));
    expect((error as InvalidRequestError).option).toBe('options');
    expect((error as InvalidRequestError).message).not.toContain('sk-secret-in-a-getter');
    expect(() => router.stream(options as unknown as ChatOptions)).toThrow(InvalidRequestError);
    expect(sent()).toBe(0);
  });

  it('a tool parameters getter that throws is a typed error', async () => {
    const { router } = setup();
    const parameters = {
      type: 'object',
      get properties(): never {
        throw new TypeError('boom');
      },
    };
    const error = await rejection(router.chat({ messages: hello, tools: [{ name: 'f', parameters }] }));
    expect((error as InvalidRequestError).option).toBe('tools[0].parameters');
  });

  it('stream({ signal: "abc" }) read through `await stream.result` settles with the typed error', async () => {
    const { router } = setup();
    const settled = await Promise.race([
      (async () => {
        try {
          const stream = router.stream({ messages: hello, signal: 'abc' as unknown as AbortSignal });
          return await stream.result;
        } catch (error) {
          return error;
        }
      })(),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 2_000)),
    ]);
    expect(InvalidRequestError.isInstance(settled)).toBe(true);
    expect((settled as InvalidRequestError).option).toBe('signal');
  });

  it('accepts the edges: temperature 0 and 2, a 64-character tool name, null assistant content', async () => {
    const { router, sent } = setup();
    await router.chat({ messages: hello, temperature: 0 });
    await router.chat({
      messages: [...hello, { role: 'assistant', content: null }, { role: 'user', content: 'Again' }],
      temperature: 2,
      tools: [{ ...tool, name: 'f'.repeat(64) }],
    });
    expect(sent()).toBe(2);
  });
});

describe('router.chat() with no candidate', () => {
  async function noCandidates(router: Router, options: ChatOptions): Promise<NoCandidatesError> {
    const error = await rejection(router.chat(options));
    expect(NoCandidatesError.isInstance(error)).toBe(true);
    expect(CallError.isInstance(error)).toBe(true);
    expect(RouterError.isInstance(error)).toBe(true);
    return error as NoCandidatesError;
  }

  it('an unknown model: NoCandidatesError naming it, nothing sent, one error usage record', async () => {
    const { router, sent } = setup();
    const error = await noCandidates(router, {
      model: 'acme/unknown-1',
      messages: hello,
      callId: 'call-unknown',
    });
    expect(error.callId).toBe('call-unknown');
    expect(error.attempts).toEqual([]);
    expect(error.excluded).toEqual([
      { model: 'acme/unknown-1', reason: 'not in the catalog (add it with catalog.models)' },
    ]);
    expect(error.message).toContain('acme/unknown-1: not in the catalog');
    expect(sent()).toBe(0);

    const records = await router.usage.query();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      callId: 'call-unknown',
      status: 'error',
      errorKind: 'no-candidates',
      costUsd: 0,
      costSource: 'none',
      attempts: 0,
      fallback: false,
      model: undefined,
      gateway: undefined,
      keyId: undefined,
      stream: false,
    });
  });

  it('unsatisfiable requirements: every model excluded with its reason', async () => {
    const { router, sent } = setup();
    const error = await noCandidates(router, {
      require: { vision: true, providers: ['cohere'] },
      messages: hello,
    });
    expect(error.excluded.length).toBe(router.catalog.list().length);
    expect(error.excluded).toContainEqual({ model: 'cohere/command-a-03-2025', reason: 'no image input' });
    expect(error.excluded).toContainEqual({
      model: 'openai/gpt-5.5',
      reason: 'provider not in require.providers',
    });
    // The message lists the first reasons and counts the rest.
    expect(error.message).toMatch(/and \d+ more\)$/);
    expect(sent()).toBe(0);

    const records = await router.usage.query({ status: 'error' });
    expect(records.map((record) => record.callId)).toEqual([error.callId]);
  });

  it('requirements implied by the call: an image for a text-only model, JSON for a model without it', async () => {
    const { router, sent } = setup();
    const image = await noCandidates(router, {
      model: 'cohere/command-a-03-2025',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'https://example.com/a.png' },
          ],
        },
      ],
    });
    expect(image.excluded).toEqual([{ model: 'cohere/command-a-03-2025', reason: 'no image input' }]);
    const json = await noCandidates(router, {
      model: 'cohere/command-r7b-12-2024',
      messages: hello,
      responseFormat: { type: 'json' },
    });
    expect(json.excluded).toEqual([{ model: 'cohere/command-r7b-12-2024', reason: 'no JSON mode' }]);
    expect(sent()).toBe(0);
  });

  it('maxTokens above every model’s output limit', async () => {
    const { router } = setup();
    const error = await noCandidates(router, {
      model: 'anthropic/claude-haiku-4-5',
      messages: hello,
      maxTokens: 100_000,
    });
    expect(error.excluded).toEqual([
      { model: 'anthropic/claude-haiku-4-5', reason: "maxTokens 100000 > the model's 64000" },
    ]);
  });

  it('records each failed call exactly once, under its own id', async () => {
    const { router } = setup();
    const first = await noCandidates(router, { model: 'acme/one', messages: hello });
    const second = await noCandidates(router, { model: 'acme/two', messages: hello });
    expect(first.callId).not.toBe(second.callId);
    const records = await router.usage.query();
    expect(records.map((record) => record.callId).sort()).toEqual([first.callId, second.callId].sort());
    expect(records.every((record) => record.status === 'error' && record.errorKind === 'no-candidates')).toBe(
      true,
    );
  });

  it('emits one usage event and one call-error event per failed call', async () => {
    const { router } = setup();
    const usage: string[] = [];
    const errors: string[] = [];
    router.on('usage', (record) => usage.push(record.callId));
    router.on('call-error', (event) => errors.push(event.callId));
    const error = await noCandidates(router, { model: 'acme/one', messages: hello });
    expect(usage).toEqual([error.callId]);
    expect(errors).toEqual([error.callId]);
  });
});
