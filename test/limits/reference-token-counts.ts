// Reference prompt-token counts from real, public tokenizers, to check the router's bound against.
// OpenAI's count is its published chat format (cookbook: 3 tokens per message plus the role, 3 to
// prime the reply) and the function-definition rendering gpt-tokenizer reproduces; images at the
// most OpenAI documents for one image. Other providers' tokenizers are not public: their texts are
// counted with every public byte-level BPE (GPT-2 to o200k) as stand-ins, plus what they document.
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';
import * as p50k from 'gpt-tokenizer/encoding/p50k_base';
import * as r50k from 'gpt-tokenizer/encoding/r50k_base';
import {
  type ChatCompletionFunctionDefinition,
  type ChatCompletionFunctionParameters,
  computeChatCompletionTokenCount,
  type ChatMessage as ReferenceMessage,
} from 'gpt-tokenizer/functionCalling';
import type { PromptParts } from '../../src/limits/prompt-token-bound.ts';

/** Counts the tokens of one text. */
export type CountText = (text: string) => number;

// Text that looks like a special token (`<|endoftext|>`) is plain text in a chat: encode it as such.
const plain = { disallowedSpecial: new Set<string>() };

/** Public encodings, by name. */
export const ENCODINGS: Readonly<Record<'o200k' | 'cl100k' | 'p50k' | 'r50k', CountText>> = {
  o200k: (text) => o200k.countTokens(text, plain),
  cl100k: (text) => cl100k.countTokens(text, plain),
  p50k: (text) => p50k.countTokens(text, plain),
  r50k: (text) => r50k.countTokens(text, plain),
};

/** The most tokens OpenAI documents for one image: 1,536 patches × 2.46 (gpt-4.1-nano / gpt-5-nano). */
export const OPENAI_IMAGE_TOKENS = Math.ceil(1_536 * 2.46);
/** The most tokens Anthropic documents for one image (Claude Opus 4.7 and later, 2,576 px). */
export const ANTHROPIC_IMAGE_TOKENS = 4_784;
/** The largest tool-use system prompt Anthropic documents for any Claude model. */
export const ANTHROPIC_TOOL_PROMPT_TOKENS = 530;

function textsOf(content: unknown): { texts: string[]; images: number } {
  if (typeof content === 'string') return { texts: [content], images: 0 };
  if (!Array.isArray(content)) return { texts: [], images: 0 };
  const texts: string[] = [];
  let images = 0;
  for (const part of content as { type: string; text?: string }[]) {
    if (part.type === 'image') images++;
    else texts.push(part.text ?? '');
  }
  return { texts, images };
}

/** What OpenAI bills as prompt tokens for a chat, counted with `count` (o200k for GPT-4o and later). */
export function openAiPromptTokens(parts: PromptParts, count: CountText): number {
  const messages: ReferenceMessage[] = [];
  let extra = 0;
  for (const message of parts.messages) {
    const { texts, images } = textsOf(message.content);
    extra += images * OPENAI_IMAGE_TOKENS;
    // Parts counted one by one: never fewer tokens than the joined text by more than a merge or two.
    for (const [index, text] of texts.entries()) {
      if (index > 0) extra += count(text);
    }
    const content = texts[0] ?? '';
    if (message.role === 'tool') {
      messages.push({ role: 'tool', content, name: message.toolCallId });
      continue;
    }
    messages.push({ role: message.role, content });
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) {
        messages.push({
          role: 'assistant',
          content: '',
          name: call.id,
          function_call: { name: call.name, arguments: call.arguments },
        });
      }
    }
  }
  // Our tool parameters are any JSON Schema; the renderer reads the object schemas we generate.
  const functions = parts.tools?.map(
    (tool): ChatCompletionFunctionDefinition => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters as unknown as ChatCompletionFunctionParameters,
    }),
  );
  const choice = parts.toolChoice;
  const total = computeChatCompletionTokenCount(
    {
      messages,
      ...(functions && functions.length > 0 ? { functions } : {}),
      ...(choice === 'none' || choice === 'auto'
        ? { function_call: choice }
        : typeof choice === 'object'
          ? { function_call: { name: choice.name } }
          : {}),
    },
    count,
  );
  const format = parts.responseFormat;
  if (format?.type === 'json' && format.schema !== undefined) {
    // Structured outputs travel in the system prompt as a titled JSON schema.
    extra += count(
      `# Response Formats\n\n## ${format.name ?? 'response'}\n\n${JSON.stringify(format.schema)}`,
    );
  }
  return total + extra;
}

/**
 * A stand-in for a provider without a public tokenizer: every text counted by the public encoding
 * that counts it highest, its turns framed as Claude's were (`\n\nHuman: `), plus the tool prompt
 * and image sizes Anthropic documents.
 */
export function byteLevelPromptTokens(parts: PromptParts): number {
  const highest = (text: string) => Math.max(...Object.values(ENCODINGS).map((count) => count(text)));
  let total = 0;
  for (const message of parts.messages) {
    const { texts, images } = textsOf(message.content);
    total += highest(`\n\n${message.role}: `) + images * ANTHROPIC_IMAGE_TOKENS;
    for (const text of texts) total += highest(text);
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) {
        total += highest(call.id) + highest(call.name) + highest(call.arguments) + 4;
      }
    }
    if (message.role === 'tool') total += highest(message.toolCallId) + 4;
  }
  const hasTools = parts.tools !== undefined && parts.tools.length > 0;
  if (hasTools) total += highest(JSON.stringify(parts.tools));
  const format = parts.responseFormat;
  if (format?.type === 'json' && format.schema !== undefined) total += highest(JSON.stringify(format.schema));
  if (typeof parts.toolChoice === 'object') total += highest(parts.toolChoice.name);
  // Tools, a forced tool or JSON output (which LiteLLM turns into a tool for Claude) add the tool prompt.
  if (hasTools || format?.type === 'json' || typeof parts.toolChoice === 'object')
    total += ANTHROPIC_TOOL_PROMPT_TOKENS;
  return total;
}
