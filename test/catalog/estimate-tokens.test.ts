import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, estimateTextTokens } from '../../src/catalog/estimate-tokens.ts';
import type { ChatMessage } from '../../src/types/chat.ts';

describe('estimatePromptTokens with texts that are not strings', () => {
  it('counts them as empty instead of making the estimate NaN (and with it usage, cost and limits)', () => {
    const messages = [
      { role: 'user', content: [{ type: 'text', text: 0 }, null, { type: 'text', text: 'abcd' }] },
      { role: 'assistant', content: null, toolCalls: [{ id: 'c', name: 5, arguments: {} }] },
    ] as unknown as ChatMessage[];
    expect(estimatePromptTokens(messages)).toBe(1 + 8);
    expect(estimateTextTokens(5 as unknown as string)).toBe(0);
  });
});
