import type {
  LanguageModelV4FilePart,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
  SharedV4Warning,
} from '@ai-sdk/provider';
import { UnsupportedFunctionalityError } from '@ai-sdk/provider';
import type { ChatMessage, ContentPart, ToolCall } from '../types/chat.ts';
import { imageUrl, isImage } from './image-url.ts';

/**
 * The AI SDK's prompt as the router's messages. What the router cannot send either becomes a
 * warning (parts that only carry another provider's state: reasoning, custom parts) or throws
 * `UnsupportedFunctionalityError` (content the model would miss: files other than images).
 */
export function convertPrompt(prompt: LanguageModelV4Prompt, warnings: SharedV4Warning[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const dropped = new Set<string>();
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant': {
        let text = '';
        const toolCalls: ToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call')
            toolCalls.push({ id: part.toolCallId, name: part.toolName, arguments: toolInput(part.input) });
          else if (part.type === 'reasoning' || part.type === 'reasoning-file' || part.type === 'custom')
            dropped.add(part.type);
          else throw unsupported(`${part.type} parts in assistant messages`);
        }
        messages.push(
          toolCalls.length > 0
            ? { role: 'assistant', content: text === '' ? null : text, toolCalls }
            : { role: 'assistant', content: text },
        );
        break;
      }
      case 'tool':
        for (const part of message.content) {
          // Approval answers reach a provider only for tools it runs itself; the router runs none.
          if (part.type === 'tool-approval-response') dropped.add(part.type);
          else messages.push({ role: 'tool', toolCallId: part.toolCallId, content: toolOutput(part.output) });
        }
        break;
    }
  }
  for (const type of dropped) {
    warnings.push({
      type: 'other',
      message: `llm-router: ${type} parts of the prompt are not sent to the model (the router's chat format has no place for them).`,
    });
  }
  return messages;
}

function userContent(parts: readonly (LanguageModelV4FilePart | { type: 'text'; text: string })[]) {
  const only = parts[0];
  if (parts.length === 1 && only?.type === 'text') return only.text;
  return parts.map((part): ContentPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (!isImage(part.mediaType))
      throw unsupported(`file parts of media type "${part.mediaType}" (only images)`);
    const url = imageUrl(part);
    if (url === undefined) throw unsupported(`images given as a ${part.data.type} (pass a URL or the bytes)`);
    return { type: 'image', url };
  });
}

/** The AI SDK gives a tool call's input as a value; the router sends its JSON text. */
function toolInput(input: unknown): string {
  return JSON.stringify(input ?? {});
}

function toolOutput(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'The tool call was not approved.';
    case 'content':
      return output.value
        .map((part) => {
          if (part.type === 'text') return part.text;
          throw unsupported(`${part.type} parts in tool results (only text)`);
        })
        .join('\n');
  }
}

function unsupported(functionality: string): UnsupportedFunctionalityError {
  return new UnsupportedFunctionalityError({
    functionality,
    message: `llm-router does not support ${functionality}.`,
  });
}
