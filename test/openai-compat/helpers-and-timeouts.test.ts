import { APIConnectionTimeoutError } from 'openai';
import { describe, expect, test } from 'vitest';
import { createRouterOpenAIClient } from '../../src/openai-compat/index.ts';
import type { ChatRequestBody, LoopbackReply } from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

describe("the openai client's own helpers and timeout, routed", () => {
  test('chat.completions.stream() assembles the routed stream into a final completion', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({ text: 'Helpers work too.', promptTokens: 5, completionTokens: 4 }));
    const client = createRouterOpenAIClient(router);

    const runner = client.chat.completions.stream({
      model: 'openai/gpt-5.4-mini',
      messages: [{ role: 'user', content: 'hi' }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const completion = await runner.finalChatCompletion();

    expect(deltas.join('')).toBe('Helpers work too.');
    expect(completion.choices[0]?.message.content).toBe('Helpers work too.');
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4 });
  });

  test('chat.completions.runTools() runs a tool loop through the router', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply((body: ChatRequestBody): LoopbackReply => {
      const last = body.messages?.at(-1);
      if (last?.role === 'tool') return { text: `Total: ${String(last.content)}` };
      return { text: '', toolCalls: [{ id: 'call_add', name: 'add', arguments: '{"a":2,"b":3}' }] };
    });
    const client = createRouterOpenAIClient(router);

    const runner = client.chat.completions.runTools({
      model: 'openai/gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Add 2 and 3' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'add',
            description: 'Adds two numbers',
            parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
            parse: JSON.parse,
            function: (input: { a: number; b: number }) => String(input.a + input.b),
          },
        },
      ],
    });

    expect(await runner.finalContent()).toBe('Total: 5');
    expect(usage).toHaveLength(2);
  });

  test("the client's timeout ends a call waiting on its gateway with APIConnectionTimeoutError", async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.fail({ hang: true });
    const client = createRouterOpenAIClient(router, { timeout: 200 });

    const error = await client.chat.completions
      .create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'slow' }] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    for (let round = 0; round < 1000 && usage.length === 0; round++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(usage[0]).toMatchObject({ status: 'aborted' });
  });
});
