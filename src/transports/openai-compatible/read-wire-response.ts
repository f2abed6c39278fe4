import type { FinishReason, TokenUsage, ToolCall } from '../../types/chat.ts';
import { MAX_TOOL_CALLS } from '../answer-limits.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';

// A gateway's answer is untrusted input: every field the router uses is read here, its type
// checked, and nothing of it is used as a property key. A field of the wrong type makes the answer
// a `bad-response` (an `UnreadableAnswer` the transport classifies), except the usage figures: those
// are passed on as numbers (NaN when not numeric) for the router to accept or ignore.

/** An OpenAI-compatible `usage` object, as found on the wire (unchecked). */
export type WireUsage = Readonly<Record<string, unknown>>;

import { isRecord } from '../../errors/is-record.ts';

/** What a wrong value was, for messages: its type, never its content. */
export function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Maps the wire `finish_reason` onto ours; a non-string is a bad answer. */
export function toFinishReason(reason: unknown): FinishReason {
  if (reason !== null && reason !== undefined && typeof reason !== 'string')
    throw new UnreadableAnswer(`finish_reason is ${describeType(reason)}, expected a string`);
  switch (reason) {
    case 'stop':
    case 'end_turn':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}

/**
 * Message text: a string, nothing (`null`, absent: ''), or an array of content parts whose `text`
 * parts are joined (some providers, e.g. Mistral's reasoning models, answer that way; other part
 * types are skipped). Anything else is a bad answer.
 */
export function readContent(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content))
    throw new UnreadableAnswer(`${where} is ${describeType(content)}, expected a string`);
  let text = '';
  for (const part of content) {
    if (!isRecord(part)) throw new UnreadableAnswer(`${where} holds ${describeType(part)}, expected parts`);
    if (part.type !== 'text') continue;
    if (typeof part.text !== 'string')
      throw new UnreadableAnswer(`a text part of ${where} has ${describeType(part.text)} as its text`);
    text += part.text;
  }
  return text;
}

/** An optional string field: absent (`undefined`), or a string; anything else is a bad answer. */
export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new UnreadableAnswer(`${where} is ${describeType(value)}, expected a string`);
  return value;
}

// A usage figure: absent (undefined), a number as sent, or NaN for anything else (the router
// ignores the whole usage then, with a warning).
function figure(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

/**
 * Token counts from a wire `usage`, as sent (the router checks their range); `undefined` when the
 * gateway sent none. A `usage` that is not an object, or that lacks one of the two counts, yields NaN
 * counts, which the router ignores. `totalTokens` is always input + output.
 */
export function toTokenUsage(usage: unknown): TokenUsage | undefined {
  if (usage === null || usage === undefined) return undefined;
  if (!isRecord(usage))
    return {
      inputTokens: Number.NaN,
      outputTokens: Number.NaN,
      cachedInputTokens: 0,
      totalTokens: Number.NaN,
    };
  const input = figure(usage.prompt_tokens);
  const output = figure(usage.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const inputTokens = input ?? Number.NaN;
  const outputTokens = output ?? Number.NaN;
  const details = usage.prompt_tokens_details;
  const cached = isRecord(details) ? figure(details.cached_tokens) : undefined;
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: cached ?? 0,
    totalTokens: inputTokens + outputTokens,
  };
}

/**
 * A cost figure from a header or `usage.cost`: `undefined` when absent or empty, the number sent
 * (a numeric string parsed whole), or NaN for anything else. The router checks the range.
 */
export function readNumericCost(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : Number(trimmed);
  }
  return Number.NaN;
}

/**
 * The tool calls of a whole answer (`choices[0].message.tool_calls`): at most `MAX_TOOL_CALLS`, each
 * with a string `function.name`, a string `arguments` (absent: '') and a string `id` (absent:
 * `call_<position>`). Anything else is a bad answer.
 */
export function toToolCalls(calls: unknown): ToolCall[] {
  if (calls === null || calls === undefined) return [];
  if (!Array.isArray(calls))
    throw new UnreadableAnswer(`message.tool_calls is ${describeType(calls)}, expected an array`);
  if (calls.length > MAX_TOOL_CALLS)
    throw new UnreadableAnswer(
      `the answer holds ${calls.length} tool calls; at most ${MAX_TOOL_CALLS} are read`,
    );
  const result: ToolCall[] = [];
  for (let position = 0; position < calls.length; position++) {
    const call: unknown = calls[position];
    const where = `tool_calls[${position}]`;
    if (!isRecord(call)) throw new UnreadableAnswer(`${where} is ${describeType(call)}, expected an object`);
    const fn = call.function;
    if (!isRecord(fn))
      throw new UnreadableAnswer(`${where}.function is ${describeType(fn)}, expected an object`);
    const name = optionalString(fn.name, `${where}.function.name`);
    if (!name) throw new UnreadableAnswer(`${where}.function.name is missing`);
    result.push({
      id: optionalString(call.id, `${where}.id`) || `call_${position}`,
      name,
      arguments: optionalString(fn.arguments, `${where}.function.arguments`) ?? '',
    });
  }
  return result;
}
