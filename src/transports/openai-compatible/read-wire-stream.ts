import type { TransportStreamPart } from '../transport.ts';
import { toFinishReason, toTokenUsage, type WireUsage } from './read-wire-response.ts';

/** The fields of a `chat.completion.chunk` we read. */
export interface WireChunk {
  readonly choices?: readonly {
    readonly delta?: {
      readonly content?: string | null;
      readonly tool_calls?: readonly {
        readonly index?: number;
        readonly id?: string;
        readonly function?: { readonly name?: string; readonly arguments?: string };
      }[];
    };
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: WireUsage | null;
}

/**
 * The parts of one wire chunk, in order: content, tool-call deltas, finish, usage. Pushes into
 * `into` rather than allocating an array per chunk.
 */
export function readWireChunk(
  chunk: WireChunk,
  readCost: (usage: WireUsage) => number | undefined,
  into: TransportStreamPart[],
): void {
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  if (delta) {
    if (typeof delta.content === 'string' && delta.content.length > 0)
      into.push({ type: 'text-delta', text: delta.content });
    if (delta.tool_calls) {
      for (const call of delta.tool_calls) {
        const part: {
          type: 'tool-call-delta';
          index: number;
          argumentsDelta: string;
          id?: string;
          name?: string;
        } = {
          type: 'tool-call-delta',
          index: call.index ?? 0,
          argumentsDelta: call.function?.arguments ?? '',
        };
        if (call.id) part.id = call.id;
        if (call.function?.name) part.name = call.function.name;
        into.push(part);
      }
    }
  }
  if (choice?.finish_reason)
    into.push({ type: 'finish', finishReason: toFinishReason(choice.finish_reason) });
  const usage = toTokenUsage(chunk.usage);
  if (usage && chunk.usage) into.push({ type: 'usage', usage, costUsd: readCost(chunk.usage) });
}
