import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import { generateText } from 'ai';
import { describe, expect, test } from 'vitest';
import { createRouterProvider } from '../../src/ai-sdk/index.ts';
import type { ChatRequestBody } from '../../src/testing/index.ts';
import { startGateways } from '../helpers/gateways.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

// Warnings are asserted on results; the AI SDK's console copy of them is noise here.
globalThis.AI_SDK_LOG_WARNINGS = false;

describe('AI SDK prompts as router messages', () => {
  test('image URLs go to the gateway as given; image bytes become a data: URL with their media type', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    await generateText({
      model: llm('openai/gpt-5.4-mini'),
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these:' },
            { type: 'image', image: new URL('https://images.example.com/cat.png') },
            { type: 'image', image: PNG },
          ],
        },
      ],
    });

    const body = litellm.chatRequests[0]?.body as ChatRequestBody;
    expect(body.messages?.[0]?.content).toEqual([
      { type: 'text', text: 'Compare these:' },
      { type: 'image_url', image_url: { url: 'https://images.example.com/cat.png' } },
      {
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${Buffer.from(PNG).toString('base64')}` },
      },
    ]);
  });

  test('a file the router cannot send (a PDF) is an UnsupportedFunctionalityError; nothing is sent', async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    await expect(
      generateText({
        model: llm('openai/gpt-5.4-mini'),
        messages: [
          {
            role: 'user',
            content: [
              { type: 'file', data: new Uint8Array([0x25, 0x50, 0x44, 0x46]), mediaType: 'application/pdf' },
            ],
          },
        ],
      }),
    ).rejects.toSatisfy(
      (error) => UnsupportedFunctionalityError.isInstance(error) && /application\/pdf/.test(String(error)),
    );
    expect(litellm.chatRequests).toHaveLength(0);
  });

  test("another model's reasoning in the history is left out with a warning; text and tool results are kept", async () => {
    const { router, litellm } = await startGateways();
    const llm = createRouterProvider(router);

    const result = await generateText({
      model: llm('openai/gpt-5.4-mini'),
      messages: [
        { role: 'user', content: 'What is 2+2?' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Adding two and two.' },
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: { a: 2, b: 2 } },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'c1', toolName: 'add', output: { type: 'json', value: 4 } },
          ],
        },
        { role: 'user', content: 'So?' },
      ],
    });

    expect(
      (result.warnings ?? []).some(
        (warning) => warning.type === 'other' && warning.message.includes('reasoning'),
      ),
    ).toBe(true);
    const body = litellm.chatRequests[0]?.body as ChatRequestBody;
    expect(body.messages).toEqual([
      { role: 'user', content: 'What is 2+2?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":2}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '4' },
      { role: 'user', content: 'So?' },
    ]);
  });
});
