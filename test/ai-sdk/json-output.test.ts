import { generateText, Output, streamText } from 'ai';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createRouterProvider } from '../../src/ai-sdk/index.ts';
import type { ChatRequestBody } from '../../src/testing/index.ts';
import { startGateways } from '../helpers/gateways.ts';

const ticket = z.object({ title: z.string(), priority: z.enum(['low', 'high']) });

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('JSON output (Output.object) through the router', () => {
  test('generateText: the schema goes out as response_format json_schema and the answer is parsed', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({ text: '{"title":"Refund order 7","priority":"high"}' }));
    const llm = createRouterProvider(router);

    const result = await generateText({
      model: llm('openai/gpt-5.4-mini'),
      output: Output.object({ schema: ticket, name: 'ticket' }),
      prompt: 'File a ticket for the refund of order 7',
    });

    expect(result.output).toEqual({ title: 'Refund order 7', priority: 'high' });
    const body = litellm.chatRequests[0]?.body as ChatRequestBody;
    expect(body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'ticket',
        schema: expect.objectContaining({ type: 'object', required: ['title', 'priority'] }),
      },
    });
  });

  test('streamText: partial objects stream in and the final output is parsed', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({ text: '{"title":"Reset password","priority":"low"}' }));
    const llm = createRouterProvider(router);

    const result = streamText({
      model: llm('openai/gpt-5.4-mini'),
      output: Output.object({ schema: ticket }),
      prompt: 'File a ticket',
    });
    const partials: unknown[] = [];
    for await (const partial of result.partialOutputStream) partials.push(partial);

    expect(partials.length).toBeGreaterThan(1);
    expect(await result.output).toEqual({ title: 'Reset password', priority: 'low' });
    expect(litellm.chatRequests[0]?.body).toMatchObject({ response_format: { type: 'json_schema' } });
  });

  test('JSON output needs a JSON-capable model: the router only picks among those', async () => {
    const { router, litellm, openrouter } = await startGateways();
    // The cheapest JSON-capable offer may be on either gateway: both answer in JSON.
    for (const gateway of [litellm, openrouter])
      gateway.setReply(() => ({ text: '{"title":"x","priority":"low"}' }));
    const llm = createRouterProvider(router);

    // The cheapest model of all has no JSON mode: plain text goes there, JSON output does not.
    const plain = await generateText({ model: llm.auto(), prompt: 'File a ticket' });
    const json = await generateText({
      model: llm.auto(),
      output: Output.object({ schema: ticket }),
      prompt: 'File a ticket',
    });

    expect(router.catalog.get(plain.response.modelId)?.capabilities.json).toBe(false);
    expect(router.catalog.get(json.response.modelId)?.capabilities.json).toBe(true);
    expect(json.output).toEqual({ title: 'x', priority: 'low' });
  });
});
