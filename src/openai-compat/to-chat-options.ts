import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type {
  ChatMessage,
  ChatOptions,
  ContentPart,
  ModelRequirements,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../types/chat.ts';
import { IGNORED_PARAMETERS, UNSUPPORTED_PARAMETERS } from './unsupported-parameters.ts';

/** Router options every request of a client starts from. */
export interface RequestDefaults {
  readonly user?: string;
  readonly tags?: readonly string[];
  readonly require?: ModelRequirements;
  readonly timeoutMs?: number;
  readonly waitForHeadroomMs?: number;
}

/** One `chat.completions.create` request, read. */
export interface RoutedRequest {
  readonly chat: ChatOptions;
  /** The `model` parameter as given (`auto` included). */
  readonly model: string;
  readonly stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  readonly includeUsage: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(parameter: string, message: string): never {
  throw new InvalidRequestError({ option: parameter, message });
}

function textOf(content: unknown, path: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(path, 'expected a string or an array of text parts.');
  return content
    .map((part: unknown, index) => {
      if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
      return fail(`${path}[${index}]`, "expected { type: 'text', text } (only text parts here).");
    })
    .join('\n');
}

function userContent(content: unknown, path: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) fail(path, 'expected a string or an array of content parts.');
  return content.map((part: unknown, index): ContentPart => {
    const at = `${path}[${index}]`;
    if (!isObject(part))
      return fail(at, "expected { type: 'text', text } or { type: 'image_url', image_url }.");
    if (part.type === 'text') return { type: 'text', text: part.text as string };
    if (part.type === 'image_url' && isObject(part.image_url))
      return { type: 'image', url: part.image_url.url as string };
    return fail(
      `${at}.type`,
      `"${String(part.type)}" parts are not supported by llm-router (text and image_url only).`,
    );
  });
}

function toolCalls(calls: unknown, path: string): ToolCall[] {
  if (!Array.isArray(calls)) fail(path, 'expected an array of tool calls.');
  return calls.map((call: unknown, index): ToolCall => {
    if (!isObject(call) || call.type !== 'function' || !isObject(call.function))
      return fail(`${path}[${index}].type`, "only 'function' tool calls are supported by llm-router.");
    return {
      id: call.id as string,
      name: call.function.name as string,
      arguments: call.function.arguments as string,
    };
  });
}

function message(value: unknown, index: number): ChatMessage {
  const path = `messages[${index}]`;
  if (!isObject(value)) fail(path, "expected a message, e.g. { role: 'user', content: 'Hello' }.");
  switch (value.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(value.content, `${path}.content`) };
    case 'user':
      return { role: 'user', content: userContent(value.content, `${path}.content`) };
    case 'assistant': {
      for (const field of ['audio', 'function_call'] as const)
        if (value[field] !== undefined && value[field] !== null)
          fail(`${path}.${field}`, 'is not supported by llm-router.');
      const content =
        value.content === undefined || value.content === null
          ? null
          : textOf(value.content, `${path}.content`);
      if (value.tool_calls === undefined || value.tool_calls === null)
        return { role: 'assistant', content: content ?? '' };
      return { role: 'assistant', content, toolCalls: toolCalls(value.tool_calls, `${path}.tool_calls`) };
    }
    case 'tool':
      return {
        role: 'tool',
        toolCallId: value.tool_call_id as string,
        content: textOf(value.content, `${path}.content`),
      };
    case 'function':
      return fail(`${path}.role`, "belongs to the deprecated functions API; send 'tool' messages.");
    default:
      return fail(`${path}.role`, "expected 'system', 'developer', 'user', 'assistant' or 'tool'.");
  }
}

function tools(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) fail('tools', 'expected an array of function tools.');
  return value.map((tool: unknown, index): ToolDefinition => {
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function))
      return fail(`tools[${index}].type`, "only 'function' tools are supported by llm-router.");
    const { name, description, parameters } = tool.function;
    return {
      name: name as string,
      ...(description === undefined ? {} : { description: description as string }),
      parameters: (parameters ?? { type: 'object', properties: {} }) as Json,
    };
  });
}

function toolChoice(value: unknown): ToolChoice {
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isObject(value) && value.type === 'function' && isObject(value.function))
    return { name: value.function.name as string };
  return fail(
    'tool_choice',
    "expected 'auto', 'none', 'required' or { type: 'function', function: { name } } (allowed_tools and custom tools are not supported).",
  );
}

function responseFormat(value: unknown): ResponseFormat {
  if (!isObject(value))
    return fail('response_format', "expected { type: 'text' | 'json_object' | 'json_schema' }.");
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') return { type: 'json' };
  if (value.type === 'json_schema' && isObject(value.json_schema)) {
    const { name, schema } = value.json_schema;
    return {
      type: 'json',
      ...(schema === undefined ? {} : { schema: schema as Json }),
      ...(name === undefined ? {} : { name: name as string }),
    };
  }
  return fail('response_format', "expected { type: 'text' | 'json_object' | 'json_schema', json_schema? }.");
}

/**
 * The body of a `chat.completions.create` request as router options. Parameters the router cannot
 * honour throw `InvalidRequestError` naming the parameter (see `UNSUPPORTED_PARAMETERS`); the router
 * checks the values it takes (its errors name its own option, e.g. `maxTokens`).
 */
export function toChatOptions(
  body: unknown,
  defaults: RequestDefaults,
  signal: AbortSignal | undefined,
): RoutedRequest {
  if (!isObject(body)) fail('body', 'expected the JSON parameters of chat.completions.create.');
  const options: { -readonly [K in keyof ChatOptions]: ChatOptions[K] } = { messages: [] };
  let stream = false;
  let includeUsage = false;
  let maxTokens: unknown;
  for (const [parameter, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    switch (parameter) {
      case 'messages':
        if (!Array.isArray(value) || value.length === 0)
          fail('messages', "expected a non-empty array, e.g. [{ role: 'user', content: 'Hello' }].");
        options.messages = value.map(message);
        break;
      case 'model':
        if (typeof value !== 'string' || value === '')
          fail('model', "expected a router model id such as 'openai/gpt-5.4-mini', or 'auto'.");
        if (value !== 'auto') options.model = value;
        break;
      case 'max_completion_tokens':
        maxTokens = value;
        break;
      case 'max_tokens':
        maxTokens ??= value;
        break;
      case 'temperature':
        options.temperature = value as number;
        break;
      case 'tools':
        options.tools = tools(value);
        break;
      case 'tool_choice':
        options.toolChoice = toolChoice(value);
        break;
      case 'response_format':
        options.responseFormat = responseFormat(value);
        break;
      case 'user':
        options.user = value as string;
        break;
      case 'stream':
        stream = value === true;
        break;
      case 'stream_options':
        includeUsage = isObject(value) && value.include_usage === true;
        break;
      default: {
        if (IGNORED_PARAMETERS.has(parameter)) break;
        const unsupported = UNSUPPORTED_PARAMETERS[parameter];
        if (unsupported === undefined)
          fail(parameter, 'is not a chat.completions.create parameter llm-router knows; leave it out.');
        if (!unsupported.neutral(value))
          fail(parameter, `is not supported by llm-router: ${unsupported.instead}.`);
      }
    }
  }
  if (options.messages.length === 0)
    fail('messages', "expected a non-empty array, e.g. [{ role: 'user', content: 'Hello' }].");
  if (typeof body.model !== 'string')
    fail('model', "expected a router model id such as 'openai/gpt-5.4-mini', or 'auto'.");
  if (maxTokens !== undefined) options.maxTokens = maxTokens as number;
  if (options.user === undefined && defaults.user !== undefined) options.user = defaults.user;
  for (const key of ['tags', 'require', 'timeoutMs', 'waitForHeadroomMs'] as const) {
    if (defaults[key] !== undefined) Object.assign(options, { [key]: defaults[key] });
  }
  if (signal !== undefined) options.signal = signal;
  return { chat: options, model: body.model, stream, includeUsage };
}
