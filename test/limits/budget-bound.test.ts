import { describe, expect, it } from 'vitest';
import { type ChatOptions, LimitExceededError } from '../../src/index.ts';
import { measurePrompt, promptTokenBound } from '../../src/limits/prompt-token-bound.ts';
import { costBoundUsd } from '../../src/router/limit-admission.ts';
import type { ChatRequestBody, LoopbackReply } from '../../src/testing/index.ts';
import type { ChatMessage, ContentPart, ToolDefinition } from '../../src/types/chat.ts';
import { startGateways } from '../helpers/gateways.ts';
import { ENCODINGS, openAiPromptTokens } from './reference-token-counts.ts';

const BUDGET_USD = 0.01;
const MAX_TOKENS = 12;

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string', description: 'City name' },
      unit: { type: 'string', enum: ['c', 'f'] },
    },
    required: ['city'],
  },
};

// Prompts of many shapes; short ones and non-Latin ones are where a characters-per-token estimate
// falls furthest below the real count.
const PROMPTS: readonly Pick<ChatOptions, 'messages' | 'tools'>[] = [
  { messages: [{ role: 'user', content: 'hi' }] },
  { messages: [{ role: 'user', content: '你好，世界。今天天气怎么样？' }] },
  { messages: [{ role: 'user', content: '🎉👩‍👩‍👧‍👦🇫🇷 ok?' }] },
  { messages: [{ role: 'user', content: 'Привет! مرحبا שלום 日本語のテスト' }] },
  {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
    ],
  },
  {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image', url: 'https://example.com/cat.png' },
        ],
      },
    ],
  },
  { messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weather] },
  { messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(40) }] },
];

// The wire body back as the router's own types, to count it as OpenAI would.
function fromWire(body: ChatRequestBody): { messages: ChatMessage[]; tools?: ToolDefinition[] } {
  const messages = (body.messages ?? []).map((message): ChatMessage => {
    const { role, content } = message as { role: 'system' | 'user' | 'assistant'; content: unknown };
    if (!Array.isArray(content)) return { role, content: String(content) } as ChatMessage;
    const parts = content.map(
      (part: { type: string; text?: string }): ContentPart =>
        part.type === 'text' ? { type: 'text', text: part.text ?? '' } : { type: 'image', url: 'wire' },
    );
    return { role: 'user', content: parts };
  });
  const tools = (body.tools as { function: ToolDefinition }[] | undefined)?.map((tool) => tool.function);
  return tools ? { messages, tools } : { messages };
}

/** A gateway that bills what OpenAI would: prompt tokens in its chat format (o200k), and every output token allowed. */
const billLikeOpenAI = (body: ChatRequestBody): LoopbackReply => ({
  text: 'ok',
  promptTokens: openAiPromptTokens(fromWire(body), ENCODINGS.o200k),
  completionTokens: Number(body.max_tokens),
});

/** The test kit's own stand-in count (about four characters per token), and every output token allowed. */
const billByCharacters = (body: ChatRequestBody): LoopbackReply => ({
  text: 'ok',
  completionTokens: Number(body.max_tokens),
});

describe.each([
  {
    gateway: 'counts like OpenAI (o200k, its chat format)',
    model: 'openai/gpt-5.4-mini',
    bill: billLikeOpenAI,
  },
  {
    gateway: 'counts four characters per token',
    model: 'anthropic/claude-haiku-4-5',
    bill: billByCharacters,
  },
])('a USD budget with maxTokens, against a gateway that $gateway', ({ model, bill }) => {
  it('is never exceeded by 100 concurrent calls of many prompt shapes, then sequential calls to the last cent', async () => {
    const { router, litellm, openrouter } = await startGateways({
      limits: { users: { u1: { budgetUsdPerDay: BUDGET_USD } } },
    });
    litellm.setReply(bill);
    openrouter.setReply(bill);
    const provider = model.startsWith('openai/') ? 'openai' : 'anthropic';
    const call = (index: number) =>
      router
        .chat({
          ...PROMPTS[index % PROMPTS.length],
          model,
          user: 'u1',
          maxTokens: MAX_TOKENS,
        } as ChatOptions)
        .catch((error: unknown) => error);

    const burst = await Promise.all(Array.from({ length: 100 }, (_, index) => call(index)));
    expect(burst.filter((result) => !(result instanceof Error)).length).toBeGreaterThan(0);
    expect(burst.filter((result) => LimitExceededError.isInstance(result)).length).toBeGreaterThan(0);
    // Then sequential calls of every shape until a whole round is refused: the small ones squeeze
    // into what is left.
    for (let round = 0; round < 50; round++) {
      const results = [];
      for (let index = 0; index < PROMPTS.length; index++) results.push(await call(index));
      if (results.every((result) => LimitExceededError.isInstance(result))) break;
    }

    const records = await router.usage.query({ status: 'ok' });
    const spentUsd = records.reduce((sum, record) => sum + record.costUsd, 0);
    const billedNanoUsd = litellm.reportedCostNanoUsd + openrouter.reportedCostNanoUsd;
    expect(records.every((record) => record.costSource === 'gateway')).toBe(true);
    expect(billedNanoUsd).toBeLessThanOrEqual(BUDGET_USD * 1e9);
    expect(spentUsd).toBeLessThanOrEqual(BUDGET_USD);
    // The budget was used up: what is left is less than the smallest call's bound.
    const pricing = router.catalog.get(model)?.pricing;
    if (!pricing) throw new Error(`${model} is not in the catalog`);
    const smallest = Math.min(
      ...PROMPTS.map((prompt) =>
        costBoundUsd(promptTokenBound(measurePrompt(prompt), provider), MAX_TOKENS, pricing),
      ),
    );
    expect(spentUsd).toBeGreaterThan(BUDGET_USD - smallest);
  });
});
