import { afterEach, describe, expect, it } from 'vitest';
import { CallError, NoCandidatesError } from '../../src/errors/call-errors.ts';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import { RouterError } from '../../src/errors/router-error.ts';
import type { ChatMessage, ChatOptions } from '../../src/router/chat-types.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';

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
