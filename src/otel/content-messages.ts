import type { ChatMessage, FinishReason, ToolCall, ToolDefinition } from '../types/chat.ts';
import { genAiFinishReason } from './gen-ai-values.ts';

// Messages in the shapes of the GenAI conventions' input and output messages JSON schemas
// (`gen-ai-input-messages.json`, `gen-ai-output-messages.json`), serialised to JSON strings: span
// attributes cannot hold structured values in the JavaScript SDK.

type Part = Record<string, unknown>;

/** Tool-call arguments as JSON when they parse, else the text the model produced. */
function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toolCallParts(calls: readonly ToolCall[] | undefined): Part[] {
  if (!calls) return [];
  return calls.map((call) => ({
    type: 'tool_call',
    id: call.id,
    name: call.name,
    arguments: parsedArguments(call.arguments),
  }));
}

/** An image by URL as a `uri` part, or as a `blob` part when it is a base64 `data:` URL. */
function imagePart(url: string): Part {
  const inline = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (inline) return { type: 'blob', modality: 'image', mime_type: inline[1], content: inline[2] };
  return { type: 'uri', modality: 'image', uri: url };
}

function inputMessage(message: ChatMessage): Part {
  switch (message.role) {
    case 'system':
      return { role: 'system', parts: [{ type: 'text', content: message.content }] };
    case 'user':
      return {
        role: 'user',
        parts:
          typeof message.content === 'string'
            ? [{ type: 'text', content: message.content }]
            : message.content.map((part) =>
                part.type === 'text' ? { type: 'text', content: part.text } : imagePart(part.url),
              ),
      };
    case 'assistant':
      return {
        role: 'assistant',
        parts: [
          ...(message.content ? [{ type: 'text', content: message.content }] : []),
          ...toolCallParts(message.toolCalls),
        ],
      };
    case 'tool':
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: message.toolCallId, response: message.content }],
      };
  }
}

/** `gen_ai.input.messages`: the call's messages, in order. */
export function inputMessagesJson(messages: readonly ChatMessage[]): string {
  return JSON.stringify(messages.map(inputMessage));
}

/** `gen_ai.output.messages`: the one answer, with its finish reason. */
export function outputMessagesJson(
  text: string | null,
  toolCalls: readonly ToolCall[] | undefined,
  finishReason: FinishReason,
): string {
  const parts = [...(text ? [{ type: 'text', content: text }] : []), ...toolCallParts(toolCalls)];
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: genAiFinishReason(finishReason) }]);
}

/** `gen_ai.tool.definitions`: the tools offered to the model. */
export function toolDefinitionsJson(tools: readonly ToolDefinition[]): string {
  return JSON.stringify(
    tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    })),
  );
}
