import { generateText, isStepCount, streamText, tool } from 'ai';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { createRouterProvider, getRouterMetadata } from '../../src/ai-sdk/index.ts';
import type { ChatRequestBody, LoopbackReply } from '../../src/testing/index.ts';
import { collect } from '../helpers/events.ts';
import { startGateways } from '../helpers/gateways.ts';

/** A model that asks for the weather once, then answers from the tool's result. */
function weatherAgent(body: ChatRequestBody): LoopbackReply {
  const last = body.messages?.at(-1);
  if (last?.role === 'tool') {
    const report = JSON.parse(String(last.content)) as { city: string; sky: string };
    return { text: `It is ${report.sky} in ${report.city}.`, promptTokens: 30, completionTokens: 8 };
  }
  return {
    text: '',
    toolCalls: [{ id: 'call_weather_1', name: 'weather', arguments: '{"city":"Paris"}' }],
    promptTokens: 20,
    completionTokens: 5,
  };
}

const weatherTool = (calls: unknown[]) =>
  tool({
    description: 'Current weather of a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async (input) => {
      calls.push(input);
      return { city: input.city, sky: 'sunny' };
    },
  });

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('tools through the router with the real `ai` package', () => {
  test('a multi-step tool loop (stopWhen) in generateText: one router call and one ledger record per step', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(weatherAgent);
    const llm = createRouterProvider(router);
    const calls: unknown[] = [];

    const result = await generateText({
      model: llm('openai/gpt-5.4-mini'),
      tools: { weather: weatherTool(calls) },
      stopWhen: isStepCount(3),
      prompt: 'Weather in Paris?',
    });

    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps[0]?.toolCalls).toMatchObject([
      { toolCallId: 'call_weather_1', toolName: 'weather', input: { city: 'Paris' } },
    ]);
    expect(result.text).toBe('It is sunny in Paris.');
    expect(result.totalUsage).toMatchObject({ inputTokens: 50, outputTokens: 13 });

    // The second request carries the assistant's tool call and the tool's result, in OpenAI's shape.
    const second = litellm.chatRequests[1]?.body as ChatRequestBody;
    expect(second.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Current weather of a city',
          parameters: expect.objectContaining({ type: 'object', required: ['city'] }),
        },
      },
    ]);
    expect(second.messages?.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_weather_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_weather_1', content: '{"city":"Paris","sky":"sunny"}' },
    ]);

    const ids = result.steps.map((step) => getRouterMetadata(step.providerMetadata)?.callId);
    expect(new Set(ids).size).toBe(2);
    expect(usage.map((record) => [record.callId, record.status])).toEqual([
      [ids[0], 'ok'],
      [ids[1], 'ok'],
    ]);
  });

  test('the same loop in streamText: tool input streamed, tool executed, answer streamed', async () => {
    const { router, litellm } = await startGateways();
    const usage = collect(router, 'usage');
    litellm.setReply(weatherAgent);
    const llm = createRouterProvider(router);
    const calls: unknown[] = [];

    const result = streamText({
      model: llm('openai/gpt-5.4-mini'),
      tools: { weather: weatherTool(calls) },
      toolChoice: 'auto',
      stopWhen: isStepCount(3),
      prompt: 'Weather in Paris?',
    });
    const types: string[] = [];
    let input = '';
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'tool-input-delta') input += part.delta;
    }

    expect(await result.text).toBe('It is sunny in Paris.');
    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(input).toBe('{"city":"Paris"}');
    for (const type of [
      'tool-input-start',
      'tool-input-delta',
      'tool-input-end',
      'tool-call',
      'tool-result',
      'text-delta',
    ])
      expect(types).toContain(type);
    expect(types.indexOf('tool-input-start')).toBeLessThan(types.indexOf('tool-call'));
    expect(types.indexOf('tool-result')).toBeLessThan(types.indexOf('text-delta'));
    expect(await result.totalUsage).toMatchObject({ inputTokens: 50, outputTokens: 13 });
    expect(litellm.chatRequests.map((request) => (request.body as ChatRequestBody).stream)).toEqual([
      true,
      true,
    ]);
    expect(usage).toHaveLength(2);
    expect(usage.every((record) => record.stream && record.status === 'ok')).toBe(true);
  });

  test('a streamed tool call whose deltas carry no input text (empty arguments) still completes', async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply((body) =>
      body.messages?.at(-1)?.role === 'tool'
        ? { text: 'Done.' }
        : { text: '', toolCalls: [{ id: 'call_now', name: 'now', arguments: '' }] },
    );
    const llm = createRouterProvider(router);
    let ran = 0;

    const result = streamText({
      model: llm('openai/gpt-5.4-mini'),
      tools: {
        now: tool({
          inputSchema: z.object({}),
          execute: async () => {
            ran++;
            return '12:00';
          },
        }),
      },
      stopWhen: isStepCount(2),
      prompt: 'What time is it?',
    });

    expect(await result.text).toBe('Done.');
    expect(ran).toBe(1);
  });

  test("toolChoice naming one tool is sent as OpenAI's named tool choice", async () => {
    const { router, litellm } = await startGateways();
    litellm.setReply(weatherAgent);
    const llm = createRouterProvider(router);

    const result = await generateText({
      model: llm('openai/gpt-5.4-mini'),
      tools: { weather: weatherTool([]) },
      toolChoice: { type: 'tool', toolName: 'weather' },
      prompt: 'Weather in Paris?',
    });

    expect(result.toolResults).toMatchObject([{ toolName: 'weather', output: { sky: 'sunny' } }]);
    expect(litellm.chatRequests[0]?.body).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
  });
});
