import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors/invalid-request-error.ts';
import {
  measurePrompt,
  PROMPT_OVERHEADS,
  type PromptParts,
  promptTokenBound,
} from '../../src/limits/prompt-token-bound.ts';
import type { ChatMessage, ContentPart, ToolDefinition } from '../../src/types/chat.ts';
import type { ProviderId } from '../../src/types/model.ts';
import { fuzzParameters } from '../fuzz/fuzz-settings.ts';
import {
  byteLevelPromptTokens,
  ENCODINGS,
  OPENAI_IMAGE_TOKENS,
  openAiPromptTokens,
} from './reference-token-counts.ts';

// Pieces that tokenizers treat very differently: English words, whitespace runs, digits, accents,
// CJK, right-to-left scripts, emoji (multi-code-point families and flags), zero-width and control
// characters, a lone surrogate, text that looks like special tokens, URLs.
const PIECES = [
  'the',
  ' quick',
  ' brown fox',
  ' ',
  '    ',
  '\n',
  '\n\n',
  '\t',
  'function',
  '{"a": [1, 2, 3]}',
  '"',
  '1234567',
  '3.14159',
  'naïve',
  'Ünïcödé',
  '你好',
  '世界',
  '的',
  '日本語のテスト',
  '한국어',
  'Привет',
  'مرحبا',
  'שלום',
  '🎉',
  '👩‍👩‍👧‍👦',
  '🇫🇷',
  '\u0000',
  '\u200b',
  '\ud83d',
  '<|endoftext|>',
  '<|im_start|>',
  'aaaaaaaa',
  'https://example.com/path?q=1&r=2',
  'ℱ',
];

// Characters every public encoding splits into one token per UTF-8 byte: texts of these (and empty
// texts) leave the bound no slack but its overheads, so a missing overhead shows.
const TIGHT = [
  '\u{8d}',
  '\u{9a}',
  '\u{11c}',
  '\u{136}',
  '\u{80d}',
  '\u{81a}',
  '\u{827}',
  '\u{10000}',
  '\u{1001a}',
];

const tightText = fc.array(fc.constantFrom(...TIGHT), { maxLength: 12 }).map((chars) => chars.join(''));

const anyText = fc.oneof(
  { weight: 3, arbitrary: tightText },
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((pieces) => pieces.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...PIECES), fc.integer({ min: 1, max: 600 }))
      .map(([piece, times]) => piece.repeat(times)),
  },
);

const toolCall = fc.record({
  id: fc.stringMatching(/^call_[A-Za-z0-9]{1,24}$/),
  name: fc.stringMatching(/^[a-z_]{1,30}$/),
  arguments: fc.json({ maxDepth: 3 }),
});

function promptOf(text: fc.Arbitrary<string>): fc.Arbitrary<PromptParts> {
  const contentPart: fc.Arbitrary<ContentPart> = fc.oneof(
    { weight: 3, arbitrary: text.map((value): ContentPart => ({ type: 'text', text: value })) },
    { weight: 1, arbitrary: fc.constant<ContentPart>({ type: 'image', url: 'https://example.com/cat.png' }) },
  );

  const message: fc.Arbitrary<ChatMessage> = fc.oneof(
    text.map((content): ChatMessage => ({ role: 'system', content })),
    text.map((content): ChatMessage => ({ role: 'user', content })),
    fc
      .array(contentPart, { minLength: 1, maxLength: 5 })
      .map((content): ChatMessage => ({ role: 'user', content })),
    fc
      .tuple(fc.option(text, { nil: null }), fc.array(toolCall, { maxLength: 3 }))
      .map(
        ([content, calls]): ChatMessage =>
          calls.length > 0
            ? { role: 'assistant', content, toolCalls: calls }
            : { role: 'assistant', content },
      ),
    fc
      .tuple(fc.stringMatching(/^call_[A-Za-z0-9]{1,24}$/), text)
      .map(([toolCallId, content]): ChatMessage => ({ role: 'tool', toolCallId, content })),
  );

  // JSON Schemas of the shapes OpenAI renders as a TypeScript namespace: enums of short values make
  // that rendering longer than one might expect (`"a" | "b"`).
  const schema = fc.letrec<{ property: Record<string, unknown> }>((tie) => ({
    property: fc.oneof(
      { depthSize: 'small' },
      fc
        .tuple(
          fc.option(text, { nil: undefined }),
          fc.option(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 40 }), {
            nil: undefined,
          }),
        )
        .map(([description, values]) => ({
          type: 'string',
          ...(description === undefined ? {} : { description }),
          ...(values === undefined ? {} : { enum: values }),
        })),
      fc
        .option(fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 1, maxLength: 40 }), {
          nil: undefined,
        })
        .map((values) => ({ type: 'integer', ...(values === undefined ? {} : { enum: values }) })),
      fc.constant({ type: 'boolean' }),
      tie('property').map((items) => ({ type: 'array', items })),
      fc
        .dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), tie('property'), { maxKeys: 5 })
        .map((properties) => ({ type: 'object', properties, required: Object.keys(properties).slice(0, 1) })),
    ),
  }));

  const tool: fc.Arbitrary<ToolDefinition> = fc
    .tuple(
      fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/),
      fc.option(text, { nil: undefined }),
      fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), schema.property, { maxKeys: 6 }),
    )
    .map(([name, description, properties]) => ({
      name,
      ...(description === undefined ? {} : { description }),
      parameters: { type: 'object', properties, required: Object.keys(properties) },
    }));

  return fc.record(
    {
      messages: fc.array(message, { minLength: 1, maxLength: 30 }),
      tools: fc.array(tool, { maxLength: 4 }),
      toolChoice: fc.oneof(
        fc.constantFrom('auto' as const, 'none' as const, 'required' as const),
        fc.stringMatching(/^[a-z_]{1,30}$/).map((name) => ({ name })),
      ),
      responseFormat: fc.oneof(
        fc.constant({ type: 'text' as const }),
        fc.constant({ type: 'json' as const }),
        schema.property.map((jsonSchema) => ({ type: 'json' as const, schema: jsonSchema, name: 'answer' })),
      ),
    },
    { requiredKeys: ['messages'] },
  );
}

// Plain chats of tight texts leave no slack at all: a per-message or per-call overhead too small fails.
const tightChat: fc.Arbitrary<PromptParts> = fc
  .array(fc.tuple(fc.constantFrom('system' as const, 'user' as const, 'assistant' as const), tightText), {
    minLength: 1,
    maxLength: 30,
  })
  .map((turns) => ({ messages: turns.map(([role, content]): ChatMessage => ({ role, content })) }));

const prompt = fc.oneof(promptOf(anyText), promptOf(tightText), tightChat);

const OTHER_PROVIDERS: readonly ProviderId[] = ['anthropic', 'google', 'mistral', 'cohere'];

describe('promptTokenBound()', () => {
  it('is at least what OpenAI counts (o200k and cl100k, its chat format, tools, images), for prompts of every shape', () => {
    fc.assert(
      fc.property(prompt, (parts) => {
        const bound = promptTokenBound(measurePrompt(parts), 'openai');
        expect(bound).toBeGreaterThanOrEqual(openAiPromptTokens(parts, ENCODINGS.o200k));
        expect(bound).toBeGreaterThanOrEqual(openAiPromptTokens(parts, ENCODINGS.cl100k));
      }),
      fuzzParameters(100),
    );
  });

  it('is at least what any public byte-level tokenizer counts, with the tool prompt and images Anthropic documents', () => {
    fc.assert(
      fc.property(prompt, (parts) => {
        const reference = byteLevelPromptTokens(parts);
        for (const provider of OTHER_PROVIDERS) {
          expect(promptTokenBound(measurePrompt(parts), provider)).toBeGreaterThanOrEqual(reference);
        }
      }),
      fuzzParameters(40),
    );
  });

  it('counts UTF-8 bytes plus one per piece of text, then the provider overheads', () => {
    const parts: PromptParts = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '你好 🎉' },
            { type: 'image', url: 'https://x/y.png' },
          ],
        },
      ],
    };
    const measure = measurePrompt(parts);
    // 'Be brief.' is 9 bytes; '你好 🎉' is 3 + 3 + 1 + 4 = 11.
    expect(measure).toEqual({
      textBytes: 20,
      messages: 2,
      segments: 2,
      images: 1,
      toolTurns: 0,
      toolPrompt: false,
    });
    const { request, message, image } = PROMPT_OVERHEADS.openai;
    expect(promptTokenBound(measure, 'openai')).toBe(20 + 2 + request + 2 * message + image);
    expect(OPENAI_IMAGE_TOKENS).toBeLessThanOrEqual(image);
  });

  it('counts tool calls, tool results, tool definitions and a JSON schema, with the tool prompt once', () => {
    const tools: ToolDefinition[] = [{ name: 'f', parameters: { type: 'object', properties: {} } }];
    const measure = measurePrompt({
      messages: [
        { role: 'assistant', content: null, toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'c1', content: 'ok' },
      ],
      tools,
      toolChoice: { name: 'f' },
      responseFormat: { type: 'json', schema: { type: 'object' } },
    });
    expect(measure).toMatchObject({ toolTurns: 2, toolPrompt: true, messages: 2 });
    const schemaBytes = JSON.stringify({ type: 'object' }).length + 'response'.length;
    expect(measure.textBytes).toBe(2 + 1 + 2 + 2 + 2 + JSON.stringify(tools).length + 1 + schemaBytes);
  });

  it('stays within about five times the real count for English prose, and is small for a short question', () => {
    const prose = 'The quick brown fox jumps over the lazy dog while the router counts every token. '.repeat(
      50,
    );
    const parts: PromptParts = { messages: [{ role: 'user', content: prose }] };
    const real = openAiPromptTokens(parts, ENCODINGS.o200k);
    expect(promptTokenBound(measurePrompt(parts), 'openai') / real).toBeLessThan(5.5);
    const hello: PromptParts = { messages: [{ role: 'user', content: 'hello' }] };
    expect(promptTokenBound(measurePrompt(hello), 'openai')).toBeLessThan(40);
  });

  it('refuses tools it cannot serialise with a typed error naming them', () => {
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.self = cyclic;
    const error = (() => {
      try {
        measurePrompt({
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ name: 'f', parameters: cyclic }],
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ option: 'tools' });
  });
});
