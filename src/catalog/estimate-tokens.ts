import type { ChatMessage, ToolDefinition } from '../router/chat-types.ts';

// About four characters per token for English text with common tokenizers; the router only needs
// an estimate for ranking, context-window checks and limit reservations, never for billing.
const CHARACTERS_PER_TOKEN = 4;
const PER_MESSAGE_OVERHEAD = 4;
const PER_IMAGE = 800;

function toolTokens(tools: readonly ToolDefinition[] | undefined): number {
  if (!tools || tools.length === 0) return 0;
  return Math.ceil(JSON.stringify(tools).length / CHARACTERS_PER_TOKEN);
}

/** Estimated prompt tokens of `messages` (and `tools`). Cheap: no tokenizer, no serialisation. */
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
    else if (content) {
      for (const part of content) {
        if (part.type === 'text') characters += part.text.length;
        else extra += PER_IMAGE;
      }
    }
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) characters += call.name.length + call.arguments.length;
    }
  }
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + extra + toolTokens(tools);
}

/** Estimated tokens of generated text. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN);
}
