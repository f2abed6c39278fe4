import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '../../types/chat.ts';
import type { TransportRequest } from '../../types/transport.ts';

/** An OpenAI chat-completions request body; gateways add their own fields to it. */
export type WireBody = Record<string, unknown>;

function toWireMessage(message: ChatMessage): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      if (typeof message.content === 'string') return { role: 'user', content: message.content };
      return {
        role: 'user',
        content: message.content.map((part) =>
          part.type === 'text'
            ? { type: 'text', text: part.text }
            : { type: 'image_url', image_url: { url: part.url } },
        ),
      };
    case 'assistant': {
      const wire: Record<string, unknown> = { role: 'assistant', content: message.content };
      if (message.toolCalls && message.toolCalls.length > 0) {
        wire.tool_calls = message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      return wire;
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function toWireTools(tools: readonly ToolDefinition[]): unknown[] {
  return tools.map((tool) => ({
    type: 'function',
    function:
      tool.description === undefined
        ? { name: tool.name, parameters: tool.parameters }
        : { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toWireResponseFormat(format: ResponseFormat): unknown {
  if (format.type === 'text') return { type: 'text' };
  if (!format.schema) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema } };
}

/** The OpenAI-compatible body for one attempt, without any gateway-specific field. */
export function toWireRequest(request: TransportRequest): WireBody {
  const body: WireBody = { model: request.model, messages: request.messages.map(toWireMessage) };
  if (request.tools && request.tools.length > 0) body.tools = toWireTools(request.tools);
  if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.responseFormat !== undefined)
    body.response_format = toWireResponseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = request.user;
  return body;
}
