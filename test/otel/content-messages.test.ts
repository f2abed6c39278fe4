import { describe, expect, test } from 'vitest';
import { inputMessagesJson, outputMessagesJson } from '../../src/otel/content-messages.ts';

describe('messages in the GenAI conventions’ JSON shapes', () => {
  test('images, tool calls and tool results', () => {
    const json = inputMessagesJson([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'image', url: 'data:image/png;base64,AAAA' },
        ],
      },
      {
        role: 'assistant',
        content: null,
        toolCalls: [
          { id: 'call_1', name: 'lookup', arguments: '{"ticket":42}' },
          { id: 'call_2', name: 'broken', arguments: '{not json' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', content: 'ticket 42: refund' },
    ]);
    expect(JSON.parse(json)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in these?' },
          { type: 'uri', modality: 'image', uri: 'https://example.com/a.png' },
          { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'AAAA' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_1', name: 'lookup', arguments: { ticket: 42 } },
          { type: 'tool_call', id: 'call_2', name: 'broken', arguments: '{not json' },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'ticket 42: refund' }] },
    ]);
  });

  test('an answer that only calls tools, with the conventions’ finish reason', () => {
    const json = outputMessagesJson('', [{ id: 'call_1', name: 'lookup', arguments: '{}' }], 'tool-calls');
    expect(JSON.parse(json)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'lookup', arguments: {} }],
        finish_reason: 'tool_call',
      },
    ]);
  });
});
