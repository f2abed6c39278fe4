import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { isRecord } from '../errors/is-record.ts';
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
import { jsonProblem } from './check-json-value.ts';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);
// Any provider id the catalog may know (the five, and `groq`, `deepseek`, … from the live catalog or
// `catalog.models`), as in `providers` settings. An id no model has leaves no candidate of it.
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOOL_CHOICES: ReadonlySet<unknown> = new Set(['auto', 'none', 'required']);
const REQUIRE_FLAGS = ['tools', 'vision', 'json'] as const;
const REQUIRE_NUMBERS = ['minContextTokens', 'maxInputPricePerMillion', 'maxOutputPricePerMillion'] as const;
/** Largest `maxTokens` accepted (as in settings): 100 million. */
const MAX_TOKENS = 100_000_000;

function fail(option: string, message: string): never {
  throw new InvalidRequestError({ option, message });
}

/**
 * Cheap checks of a call's options, run before anything is sent (no schema library on this path).
 * Throws `InvalidRequestError` naming the option at fault. Only options present are looked at, and
 * paths and messages are built only when an option is wrong.
 */
export function checkChatOptions(options: ChatOptions): void {
  try {
    checkOptions(options);
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) throw error;
    // A getter or a Proxy trap that threw while the options were read. Its error is not kept: it
    // may quote a value.
    fail('options', 'could not be read (a getter or a Proxy threw); pass plain data.');
  }
}

function checkOptions(options: ChatOptions): void {
  if (!isRecord(options)) fail('options', 'expected an object with `messages`.');
  const { messages } = options;
  if (!Array.isArray(messages) || messages.length === 0) {
    fail('messages', "expected a non-empty array, e.g. [{ role: 'user', content: 'Hello' }].");
  }
  for (let index = 0; index < messages.length; index++) checkMessage(messages[index], index);
  const { model } = options;
  if (
    model !== undefined &&
    typeof model !== 'string' &&
    !(Array.isArray(model) && model.length > 0 && model.every((entry) => typeof entry === 'string'))
  ) {
    fail('model', "expected a catalog id such as 'openai/gpt-5.4-mini', or a non-empty array of them.");
  }
  if (
    options.temperature !== undefined &&
    !(typeof options.temperature === 'number' && options.temperature >= 0 && options.temperature <= 2)
  ) {
    fail('temperature', 'expected a number from 0 to 2.');
  }
  if (
    options.maxTokens !== undefined &&
    !(Number.isInteger(options.maxTokens) && options.maxTokens > 0 && options.maxTokens <= MAX_TOKENS)
  ) {
    fail('maxTokens', `expected a positive whole number of tokens, at most ${MAX_TOKENS}.`);
  }
  if (
    options.timeoutMs !== undefined &&
    !(typeof options.timeoutMs === 'number' && Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)
  ) {
    fail('timeoutMs', 'expected a positive number of milliseconds.');
  }
  if (
    options.waitForHeadroomMs !== undefined &&
    !(
      typeof options.waitForHeadroomMs === 'number' &&
      Number.isFinite(options.waitForHeadroomMs) &&
      options.waitForHeadroomMs >= 0
    )
  ) {
    fail('waitForHeadroomMs', 'expected 0 or more milliseconds.');
  }
  if (options.signal !== undefined && options.signal !== null && !isAbortSignal(options.signal)) {
    fail('signal', 'expected an AbortSignal, e.g. AbortSignal.timeout(30_000) or controller.signal.');
  }
  if (options.tools !== undefined) checkTools(options.tools);
  if (options.toolChoice !== undefined) checkToolChoice(options.toolChoice, options.tools);
  if (options.responseFormat !== undefined) checkResponseFormat(options.responseFormat);
  if (
    options.tags !== undefined &&
    !(Array.isArray(options.tags) && options.tags.every((tag) => typeof tag === 'string'))
  ) {
    fail('tags', 'expected an array of strings.');
  }
  if (
    options.callId !== undefined &&
    !(typeof options.callId === 'string' && /^[\x21-\x7e]{1,128}$/.test(options.callId))
  ) {
    // It travels as an HTTP header (x-litellm-call-id): printable ASCII, no spaces or line breaks.
    fail('callId', 'expected 1-128 printable ASCII characters without spaces, e.g. a UUID.');
  }
  if (options.user !== undefined && (typeof options.user !== 'string' || options.user.length === 0)) {
    fail('user', 'expected a non-empty string id.');
  }
  if (options.require !== undefined) checkRequirements(options.require);
}

// By shape, not `instanceof`: a signal from another realm or a polyfill works as well, as long as
// it has what the router uses.
function isAbortSignal(value: unknown): value is AbortSignal {
  const signal = value as AbortSignal;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function'
  );
}

function checkMessage(message: ChatMessage | undefined, index: number): void {
  if (!isRecord(message) || !ROLES.has(message.role as string)) {
    fail(`messages[${index}].role`, "expected 'system', 'user', 'assistant' or 'tool'.");
  }
  if (message.role === 'tool' && typeof message.toolCallId !== 'string') {
    fail(`messages[${index}].toolCallId`, 'a tool message needs the id of the tool call it answers.');
  }
  if (message.role === 'assistant' && message.toolCalls !== undefined) {
    checkToolCalls(message.toolCalls, index);
  }
  const content = message.content;
  if (typeof content === 'string') return;
  if (message.role === 'assistant' && content === null) return;
  if (message.role === 'user' && Array.isArray(content)) {
    checkParts(content, index);
    return;
  }
  fail(
    `messages[${index}].content`,
    'expected a string (or, for user messages, an array of text and image parts).',
  );
}

function checkParts(parts: readonly ContentPart[], index: number): void {
  if (parts.length === 0) {
    fail(`messages[${index}].content`, "expected at least one part, e.g. [{ type: 'text', text: 'Hello' }].");
  }
  for (let at = 0; at < parts.length; at++) {
    const part: unknown = parts[at];
    // Paths are built only on failure: this runs for every part of every call.
    const path = (field = '') => `messages[${index}].content[${at}]${field}`;
    if (!isRecord(part)) fail(path(), "expected { type: 'text', text } or { type: 'image', url }.");
    if (part.type === 'text') {
      if (typeof part.text !== 'string') fail(path('.text'), 'expected a string.');
    } else if (part.type === 'image') {
      if (typeof part.url !== 'string' || part.url.length === 0)
        fail(path('.url'), 'expected an image URL (https: or a data: URL) as a non-empty string.');
    } else {
      fail(path('.type'), "expected 'text' or 'image'.");
    }
  }
}

function checkToolCalls(toolCalls: readonly ToolCall[], index: number): void {
  const path = (at?: number, field = '') =>
    `messages[${index}].toolCalls${at === undefined ? '' : `[${at}]`}${field}`;
  if (!Array.isArray(toolCalls)) fail(path(), 'expected an array of { id, name, arguments }.');
  for (let at = 0; at < toolCalls.length; at++) {
    const call: unknown = toolCalls[at];
    if (!isRecord(call)) fail(path(at), 'expected { id, name, arguments } (as in result.toolCalls).');
    if (typeof call.id !== 'string' || call.id.length === 0)
      fail(path(at, '.id'), 'expected the non-empty id of the tool call.');
    if (typeof call.name !== 'string' || call.name.length === 0)
      fail(path(at, '.name'), 'expected the non-empty name of the tool called.');
    if (typeof call.arguments !== 'string')
      fail(path(at, '.arguments'), "expected the arguments' JSON text, as a string (e.g. '{}').");
  }
}

function checkTools(tools: readonly ToolDefinition[]): void {
  if (!Array.isArray(tools)) fail('tools', 'expected an array of { name, description?, parameters }.');
  for (let index = 0; index < tools.length; index++) {
    const tool: unknown = tools[index];
    if (!isRecord(tool) || typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      fail(`tools[${index}].name`, 'expected 1-64 letters, digits, "_" or "-".');
    }
    for (let before = 0; before < index; before++) {
      if (tools[before]?.name === tool.name)
        fail(`tools[${index}].name`, `another tool is already named "${tool.name}".`);
    }
    if (tool.description !== undefined && typeof tool.description !== 'string') {
      fail(`tools[${index}].description`, 'expected a string.');
    }
    if (!isRecord(tool.parameters)) {
      fail(
        `tools[${index}].parameters`,
        "expected a JSON Schema object, e.g. { type: 'object', properties: {} }.",
      );
    }
    const problem = jsonProblem(tool.parameters);
    if (problem !== undefined) fail(`tools[${index}].parameters`, `expected JSON data: it ${problem}.`);
  }
}

function checkToolChoice(choice: ToolChoice, tools: readonly ToolDefinition[] | undefined): void {
  if (TOOL_CHOICES.has(choice)) {
    if (choice === 'required' && (tools === undefined || tools.length === 0))
      fail('toolChoice', "'required' needs `tools`.");
    return;
  }
  if (!isRecord(choice) || typeof choice.name !== 'string') {
    fail('toolChoice', "expected 'auto', 'none', 'required' or { name } of one of `tools`.");
  }
  if (!tools?.some((tool) => tool.name === choice.name)) {
    fail('toolChoice.name', 'expected the name of one of `tools`.');
  }
}

function checkResponseFormat(format: ResponseFormat): void {
  if (!isRecord(format) || (format.type !== 'text' && format.type !== 'json')) {
    fail('responseFormat', "expected { type: 'text' } or { type: 'json', schema?, name? }.");
  }
  if (format.type === 'text') return;
  if (format.schema !== undefined) {
    if (!isRecord(format.schema))
      fail(
        'responseFormat.schema',
        "expected a JSON Schema object, e.g. { type: 'object', properties: {} }.",
      );
    const problem = jsonProblem(format.schema);
    if (problem !== undefined) fail('responseFormat.schema', `expected JSON data: it ${problem}.`);
  }
  if (format.name !== undefined && !(typeof format.name === 'string' && TOOL_NAME.test(format.name))) {
    fail('responseFormat.name', 'expected 1-64 letters, digits, "_" or "-".');
  }
}

function checkRequirements(require: ModelRequirements): void {
  if (!isRecord(require)) fail('require', 'expected an object, e.g. { tools: true }.');
  for (const key of REQUIRE_FLAGS) {
    const value = require[key];
    if (value !== undefined && typeof value !== 'boolean') fail(`require.${key}`, 'expected true or false.');
  }
  for (const key of REQUIRE_NUMBERS) {
    const value = require[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0))
      fail(`require.${key}`, 'expected a number, 0 or more.');
  }
  const { providers } = require;
  if (
    providers !== undefined &&
    !(
      Array.isArray(providers) &&
      providers.every((provider) => typeof provider === 'string' && PROVIDER_ID.test(provider))
    )
  ) {
    fail(
      'require.providers',
      "expected an array of provider ids (lower-case letters, digits and -), e.g. ['openai', 'groq'].",
    );
  }
}

/** Requirements stated plus those the call implies (tools passed, images sent, JSON asked for). */
export function impliedRequirements(options: ChatOptions): ModelRequirements {
  const stated = options.require ?? {};
  const tools = stated.tools || (options.tools !== undefined && options.tools.length > 0);
  const json = stated.json || options.responseFormat?.type === 'json';
  let vision = stated.vision ?? false;
  if (!vision) {
    for (const message of options.messages) {
      if (
        message.role === 'user' &&
        typeof message.content !== 'string' &&
        message.content.some((part) => part.type === 'image')
      ) {
        vision = true;
        break;
      }
    }
  }
  if (
    tools === (stated.tools ?? false) &&
    json === (stated.json ?? false) &&
    vision === (stated.vision ?? false)
  )
    return stated;
  return { ...stated, tools, json, vision };
}
