import type OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createRouterOpenAIClient } from '../../src/openai-compat/index.ts';
import type { ChatRequestBody, LoopbackReply } from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

const weather: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'Current weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function weatherAgent(body: ChatRequestBody): LoopbackReply {
  const last = body.messages?.at(-1);
  if (last?.role === 'tool') return { text: `Forecast: ${String(last.content)}` };
  return { text: '', toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }] };
}

/** A tool loop as written for the openai client. */
async function agent(client: Pick<OpenAI, 'chat'>, question: string, stream: boolean): Promise<string> {
  const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: question }];
  for (let turn = 0; turn < 3; turn++) {
    let message: {
      content: string | null;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    };
    if (stream) {
      const chunks = await client.chat.completions.create({
        model: 'auto',
        messages,
        tools: [weather],
        stream: true,
      });
      const calls: { id: string; function: { name: string; arguments: string } }[] = [];
      let content = '';
      for await (const chunk of chunks) {
        const delta = chunk.choices[0]?.delta;
        content += delta?.content ?? '';
        for (const call of delta?.tool_calls ?? []) {
          calls[call.index] ??= { id: '', function: { name: '', arguments: '' } };
          const entry = calls[call.index] as (typeof calls)[number];
          if (call.id) entry.id = call.id;
          if (call.function?.name) entry.function.name = call.function.name;
          entry.function.arguments += call.function?.arguments ?? '';
        }
      }
      message = { content, ...(calls.length > 0 ? { tool_calls: calls } : {}) };
    } else {
      const completion = await client.chat.completions.create({ model: 'auto', messages, tools: [weather] });
      const reply = completion.choices[0]?.message;
      message = {
        content: reply?.content ?? null,
        ...(reply?.tool_calls
          ? {
              tool_calls: reply.tool_calls.flatMap((call) =>
                call.type === 'function' ? [{ id: call.id, function: call.function }] : [],
              ),
            }
          : {}),
      };
    }
    if (!message.tool_calls?.length) return message.content ?? '';
    messages.push({
      role: 'assistant',
      content: message.content || null,
      tool_calls: message.tool_calls.map((call) => ({
        id: call.id,
        type: 'function',
        function: call.function,
      })),
    });
    for (const call of message.tool_calls) {
      const { city } = JSON.parse(call.function.arguments) as { city: string };
      messages.push({ role: 'tool', tool_call_id: call.id, content: `sunny in ${city}` });
    }
  }
  throw new Error('the agent did not finish');
}

describe('tools, formats and content parts through the routed openai client', () => {
  test.each([
    ['create()', false],
    ['create({ stream: true })', true],
  ])(
    'a tool round trip with %s: tool calls out, tool results back, one record per call',
    async (_how, stream) => {
      const { router, litellm } = await startGateways();
      const usage = collect(router, 'usage');
      litellm.setReply(weatherAgent);
      const client = createRouterOpenAIClient(router, { require: { providers: ['openai'] } });

      expect(await agent(client, 'Weather in Oslo?', stream)).toBe('Forecast: sunny in Oslo');

      const second = litellm.chatRequests[1]?.body as ChatRequestBody;
      expect(second.tools).toEqual([weather]);
      expect(second.messages?.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny in Oslo' },
      ]);
      expect(usage).toHaveLength(2);
      expect(usage.every((record) => record.provider === 'openai' && record.stream === stream)).toBe(true);
    },
  );

  test("the openai client's parse() helper with a zod response format: json_schema out, parsed object back", async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(() => ({ text: '{"title":"Refund","priority":"high"}' }));
    const client = createRouterOpenAIClient(router);
    const Ticket = z.object({ title: z.string(), priority: z.enum(['low', 'high']) });

    const completion = await client.chat.completions.parse({
      model: 'openai/gpt-5.4-mini',
      messages: [
        { role: 'developer', content: 'File tickets.' },
        { role: 'user', content: 'Refund please' },
      ],
      response_format: zodResponseFormat(Ticket, 'ticket'),
      max_completion_tokens: 64,
      max_tokens: 10,
      tool_choice: 'none',
    });

    expect(completion.choices[0]?.message.parsed).toEqual({ title: 'Refund', priority: 'high' });
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'File tickets.' },
        { role: 'user', content: 'Refund please' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'ticket', schema: expect.objectContaining({ required: ['title', 'priority'] }) },
      },
    });
  });

  test('image_url parts, json_object, a named tool choice and user reach the gateway', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(() => ({ text: '{"cat":true}' }));
    const client = createRouterOpenAIClient(router, { tags: ['vision'] });

    await client.chat.completions.create({
      model: 'openai/gpt-5.4-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Is this a cat?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/cat.png', detail: 'low' } },
          ],
        },
      ],
      response_format: { type: 'json_object' },
      tools: [weather],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      user: 'user-9',
      metadata: { ticket: '7' },
    });

    expect(litellm.chatRequests[0]?.body).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Is this a cat?' },
            { type: 'image_url', image_url: { url: 'https://images.example.com/cat.png' } },
          ],
        },
      ],
      response_format: { type: 'json_object' },
      tool_choice: { type: 'function', function: { name: 'weather' } },
      user: 'user-9',
      metadata: { tags: ['vision'] },
    });
    expect(usage[0]).toMatchObject({ user: 'user-9', tags: ['vision'] });
  });

  test('an assistant message with an empty tool_calls array is sent as a plain assistant message', async () => {
    const { router, litellm } = await startGateways();
    const client = createRouterOpenAIClient(router);

    await client.chat.completions.create({
      model: 'openai/gpt-5.4-mini',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello', tool_calls: [] },
        { role: 'user', content: 'again' },
      ],
    });

    const body = litellm.chatRequests[0]?.body as ChatRequestBody;
    expect(body.messages?.[1]).toEqual({ role: 'assistant', content: 'hello' });
  });
});
