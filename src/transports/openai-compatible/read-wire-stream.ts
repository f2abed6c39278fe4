import { isRecord } from '../../errors/is-record.ts';
import type { TransportStreamPart } from '../../types/transport.ts';
import { MAX_TOOL_CALLS } from '../answer-limits.ts';
import { UnreadableAnswer } from '../unreadable-answer.ts';
import {
  describeType,
  optionalString,
  readContent,
  toFinishReason,
  toTokenUsage,
  type WireUsage,
} from './read-wire-response.ts';

/**
 * A tool call's position in a streamed answer: a whole number below `MAX_TOOL_CALLS` (absent: 0).
 * The wire value is checked before anything uses it: it must never become a property key (a
 * `"__proto__"` index) or size an array (an index of 4294967294).
 */
export function readToolCallIndex(index: unknown, where: string): number {
  if (index === undefined || index === null) return 0;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_TOOL_CALLS) {
    const shown = typeof index === 'number' ? String(index) : describeType(index);
    throw new UnreadableAnswer(
      `${where}.index is ${shown}; expected a whole number from 0 to ${MAX_TOOL_CALLS - 1}`,
    );
  }
  return index;
}

/**
 * The parts of one wire chunk (`chat.completion.chunk`), in order: content, tool-call deltas,
 * finish, usage. Pushes into `into` rather than allocating an array per chunk. Throws
 * `UnreadableAnswer` for a chunk of the wrong shape.
 */
export function readWireChunk(
  chunk: unknown,
  readCost: (usage: WireUsage) => number | undefined,
  into: TransportStreamPart[],
): void {
  if (!isRecord(chunk))
    throw new UnreadableAnswer(`a stream event is ${describeType(chunk)}, expected an object`);
  const choices = chunk.choices;
  if (choices !== undefined && choices !== null && !Array.isArray(choices))
    throw new UnreadableAnswer(`choices is ${describeType(choices)}, expected an array`);
  const choice: unknown = choices?.[0];
  if (choice !== undefined && !isRecord(choice))
    throw new UnreadableAnswer(`choices[0] is ${describeType(choice)}, expected an object`);
  const delta = choice?.delta;
  if (delta !== undefined && delta !== null) {
    if (!isRecord(delta)) throw new UnreadableAnswer(`delta is ${describeType(delta)}, expected an object`);
    const text = readContent(delta.content, 'delta.content');
    if (text.length > 0) into.push({ type: 'text-delta', text });
    readToolCallDeltas(delta.tool_calls, into);
  }
  const finish = choice?.finish_reason;
  if (finish !== undefined && finish !== null)
    into.push({ type: 'finish', finishReason: toFinishReason(finish) });
  const usage = toTokenUsage(chunk.usage);
  if (usage) {
    const wire = isRecord(chunk.usage) ? chunk.usage : {};
    into.push({ type: 'usage', usage, costUsd: readCost(wire) });
  }
}

function readToolCallDeltas(calls: unknown, into: TransportStreamPart[]): void {
  if (calls === undefined || calls === null) return;
  if (!Array.isArray(calls))
    throw new UnreadableAnswer(`delta.tool_calls is ${describeType(calls)}, expected an array`);
  if (calls.length > MAX_TOOL_CALLS)
    throw new UnreadableAnswer(`a stream event holds ${calls.length} tool calls; at most ${MAX_TOOL_CALLS}`);
  for (let position = 0; position < calls.length; position++) {
    const call: unknown = calls[position];
    const where = `delta.tool_calls[${position}]`;
    if (!isRecord(call)) throw new UnreadableAnswer(`${where} is ${describeType(call)}, expected an object`);
    const fn = call.function ?? {};
    if (!isRecord(fn))
      throw new UnreadableAnswer(`${where}.function is ${describeType(fn)}, expected an object`);
    const part: {
      type: 'tool-call-delta';
      index: number;
      argumentsDelta: string;
      id?: string;
      name?: string;
    } = {
      type: 'tool-call-delta',
      index: readToolCallIndex(call.index, where),
      argumentsDelta: optionalString(fn.arguments, `${where}.function.arguments`) ?? '',
    };
    const id = optionalString(call.id, `${where}.id`);
    if (id) part.id = id;
    const name = optionalString(fn.name, `${where}.function.name`);
    if (name) part.name = name;
    into.push(part);
  }
}
