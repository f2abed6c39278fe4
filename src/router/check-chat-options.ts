import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import type { ChatOptions, ModelRequirements } from './chat-types.ts';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function fail(option: string, message: string): never {
  throw new InvalidRequestError({ option, message });
}

/**
 * Cheap checks of a call's options, run before anything is sent (no schema library on this path).
 * Throws `InvalidRequestError` naming the option at fault.
 */
export function checkChatOptions(options: ChatOptions): void {
  if (typeof options !== 'object' || options === null) fail('options', 'expected an object with `messages`.');
  const { messages } = options;
  if (!Array.isArray(messages) || messages.length === 0) {
    fail('messages', "expected a non-empty array, e.g. [{ role: 'user', content: 'Hello' }].");
  }
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index];
    if (typeof message !== 'object' || message === null || !ROLES.has(message.role)) {
      fail(`messages[${index}].role`, "expected 'system', 'user', 'assistant' or 'tool'.");
    }
    if (message.role === 'tool' && typeof message.toolCallId !== 'string') {
      fail(`messages[${index}].toolCallId`, 'a tool message needs the id of the tool call it answers.');
    }
    const content = message.content;
    if (typeof content === 'string') continue;
    if (message.role === 'assistant' && content === null) continue;
    if (message.role === 'user' && Array.isArray(content)) continue;
    fail(
      `messages[${index}].content`,
      'expected a string (or, for user messages, an array of text and image parts).',
    );
  }
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
  if (options.maxTokens !== undefined && !(Number.isInteger(options.maxTokens) && options.maxTokens > 0)) {
    fail('maxTokens', 'expected a positive whole number of tokens.');
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
  if (options.tools !== undefined) {
    if (!Array.isArray(options.tools))
      fail('tools', 'expected an array of { name, description?, parameters }.');
    options.tools.forEach((tool, index) => {
      if (typeof tool?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) {
        fail(`tools[${index}].name`, 'expected 1-64 letters, digits, "_" or "-".');
      }
      if (typeof tool.parameters !== 'object' || tool.parameters === null) {
        fail(
          `tools[${index}].parameters`,
          "expected a JSON Schema object, e.g. { type: 'object', properties: {} }.",
        );
      }
    });
  }
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

function checkRequirements(require: ModelRequirements): void {
  if (typeof require !== 'object' || require === null)
    fail('require', 'expected an object, e.g. { tools: true }.');
  for (const key of ['minContextTokens', 'maxInputPricePerMillion', 'maxOutputPricePerMillion'] as const) {
    const value = require[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0))
      fail(`require.${key}`, 'expected a number, 0 or more.');
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
