import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '../types/chat.ts';
import { isKnownProvider, type KnownProviderId, type ProviderId } from '../types/model.ts';

// The most prompt tokens a call can be billed for, without a tokenizer. Every tokenizer the
// catalog's providers use is a byte-level BPE (OpenAI's o200k and cl100k, Mistral's Tekken,
// Cohere's) or a SentencePiece with byte fallback (Gemini), whose tokens each cover at least one
// byte of UTF-8 text; SentencePiece may add one token at the start of a piece of text. So a text
// of n bytes is at most n + 1 tokens, and what a provider adds around the text (turn markers, its
// tool-use prompt, images) is bounded by the table below. Reservations made from this bound hold
// a budget against any gateway that counts this way, whatever its tokenizer.

/** What the bound reads of a call: the options that reach the model as input. */
export interface PromptParts {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly responseFormat?: ResponseFormat | undefined;
}

/** A prompt measured once per call; `promptTokenBound` turns it into tokens for one provider. */
export interface PromptMeasure {
  /** UTF-8 bytes of every text sent: contents, tool calls and results with their ids, tool definitions, a JSON schema. */
  readonly textBytes: number;
  readonly messages: number;
  /** Separate pieces of text (each may start with one extra token). */
  readonly segments: number;
  readonly images: number;
  /** Assistant tool calls plus tool results: each is framed by the provider's markers. */
  readonly toolTurns: number;
  /** Tools, a named tool choice or JSON output were asked for: the provider adds its tool-use prompt. */
  readonly toolPrompt: boolean;
}

/** Tokens a provider adds around the text of a prompt, at most. */
export interface PromptOverheads {
  /** Once per call (OpenAI: the 3 tokens priming the reply; Cohere: its default safety instruction). */
  readonly request: number;
  /** Per message: turn markers and the role (OpenAI: `<|im_start|>`, the role, `<|im_sep|>`, `<|im_end|>`). */
  readonly message: number;
  /** Per assistant tool call or tool result, beyond its id, name and arguments. */
  readonly toolTurn: number;
  /** Once when tools or JSON output are used: the provider's tool-use prompt. */
  readonly toolPrompt: number;
  /** Per image, whatever its size (images are billed by their pixels, which the router does not read). */
  readonly image: number;
}

/**
 * Overheads by provider. Images: at most 4,784 tokens on Anthropic (Claude Opus 4.7 and later,
 * 2,576 px on the long edge; ~1,600 before), 1,536 patches × 2.46 = 3,779 on OpenAI's patch-priced
 * models (85 + 170 × 8 = 1,445 on tile-priced ones), 1,120 on Gemini 3 at high media resolution.
 * Tool prompts: Anthropic documents 346 tokens for current models, 530 at most for any Claude
 * model; OpenAI renders tools as a TypeScript namespace no longer than their JSON plus ~70 bytes.
 */
export const PROMPT_OVERHEADS: Readonly<Record<KnownProviderId, PromptOverheads>> = {
  openai: { request: 4, message: 8, toolTurn: 8, toolPrompt: 64, image: 4_800 },
  anthropic: { request: 16, message: 16, toolTurn: 16, toolPrompt: 600, image: 4_800 },
  google: { request: 16, message: 16, toolTurn: 16, toolPrompt: 600, image: 4_800 },
  mistral: { request: 16, message: 16, toolTurn: 16, toolPrompt: 600, image: 4_800 },
  cohere: { request: 1_000, message: 16, toolTurn: 16, toolPrompt: 1_000, image: 4_800 },
};

// A provider the table does not know (a catalog entry added at run time) gets the largest of each.
const UNKNOWN_PROVIDER: PromptOverheads = {
  request: 1_000,
  message: 16,
  toolTurn: 16,
  toolPrompt: 1_000,
  image: 4_800,
};

function utf8Bytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value === undefined || value === null) return 0;
  // The options are checked before this runs; anything else is counted as the JSON it would be sent as.
  return jsonBytes(value, 'messages');
}

function jsonBytes(value: unknown, option: string): number {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new InvalidRequestError({ option, message: 'cannot be serialised as JSON (cyclic or a BigInt).' });
  }
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}

/** Measures what a call sends as input: bytes of text, messages, images, tool turns. Linear in the prompt's size. */
export function measurePrompt(parts: PromptParts): PromptMeasure {
  let textBytes = 0;
  let segments = 0;
  let images = 0;
  let toolTurns = 0;
  for (const message of parts.messages) {
    const content: unknown = message.content;
    if (Array.isArray(content)) {
      for (const part of content as readonly unknown[]) {
        const { type, text } = (part ?? {}) as { type?: unknown; text?: unknown };
        if (type === 'image') images++;
        else {
          textBytes += utf8Bytes(text);
          segments++;
        }
      }
    } else if (content !== null && content !== undefined) {
      textBytes += utf8Bytes(content);
      segments++;
    }
    if (message.role === 'assistant' && Array.isArray(message.toolCalls)) {
      for (const call of message.toolCalls) {
        toolTurns++;
        segments++;
        textBytes += utf8Bytes(call?.id) + utf8Bytes(call?.name) + utf8Bytes(call?.arguments);
      }
    }
    if (message.role === 'tool') {
      toolTurns++;
      textBytes += utf8Bytes(message.toolCallId);
    }
  }
  let toolPrompt = false;
  if (parts.tools !== undefined && parts.tools.length > 0) {
    toolPrompt = true;
    textBytes += jsonBytes(parts.tools, 'tools');
    segments++;
  }
  const choice = parts.toolChoice;
  if (typeof choice === 'object' && choice !== null) {
    toolPrompt = true;
    textBytes += utf8Bytes(choice.name);
  }
  const format = parts.responseFormat;
  if (format?.type === 'json') {
    toolPrompt = true;
    if (format.schema !== undefined) {
      textBytes += jsonBytes(format.schema, 'responseFormat.schema') + utf8Bytes(format.name ?? 'response');
      segments += 2;
    }
  }
  return { textBytes, messages: parts.messages.length, segments, images, toolTurns, toolPrompt };
}

/**
 * The most input tokens `provider` can count for a measured prompt: its text's UTF-8 bytes (plus one
 * per piece of text), plus the provider's overheads per call, message, tool turn, image and tool
 * prompt (`PROMPT_OVERHEADS`). An upper bound for every tokenizer whose tokens cover at least one
 * byte each; for English text it is about four times the real count.
 */
export function promptTokenBound(measure: PromptMeasure, provider: ProviderId): number {
  const overheads = isKnownProvider(provider) ? PROMPT_OVERHEADS[provider] : UNKNOWN_PROVIDER;
  return (
    measure.textBytes +
    measure.segments +
    overheads.request +
    measure.messages * overheads.message +
    measure.toolTurns * overheads.toolTurn +
    measure.images * overheads.image +
    (measure.toolPrompt ? overheads.toolPrompt : 0)
  );
}
