import type { ChatMessage, ToolDefinition } from '../types/chat.ts';

// About four characters per token for English text with common tokenizers; the router only needs
// an estimate for ranking, context-window checks and token limits, never for billing or budgets.
const CHARACTERS_PER_TOKEN = 4;
const PER_MESSAGE_OVERHEAD = 4;
const PER_IMAGE = 800;

function toolTokens(tools: readonly ToolDefinition[] | undefined): number {
  if (!tools || tools.length === 0) return 0;
  return Math.ceil(JSON.stringify(tools).length / CHARACTERS_PER_TOKEN);
}

const lengthOf = (text: unknown) => (typeof text === 'string' ? text.length : 0);

/**
 * Estimated prompt tokens of `messages` (and `tools`): about four characters per token, 4 per
 * message, 800 per image. Cheap: no tokenizer. An estimate for ranking, context-window checks and
 * token limits; it can fall below the gateway's count (USD budgets reserve `promptTokenBound`
 * instead). Never NaN: a text that is not a string counts as empty.
 */
export function estimatePromptTokens(
  messages: readonly ChatMessage[],
  tools?: readonly ToolDefinition[],
): number {
  let characters = 0;
  let extra = 0;
  for (const message of messages) {
    extra += PER_MESSAGE_OVERHEAD;
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part?.type === 'image') extra += PER_IMAGE;
        else characters += lengthOf(part?.text);
      }
    }
    if (message.role === 'assistant' && Array.isArray(message.toolCalls)) {
      for (const call of message.toolCalls) characters += lengthOf(call?.name) + lengthOf(call?.arguments);
    }
  }
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + extra + toolTokens(tools);
}

/** Estimated tokens of generated text (0 for anything but a string). */
export function estimateTextTokens(text: string): number {
  return Math.ceil(lengthOf(text) / CHARACTERS_PER_TOKEN);
}
