import type { FinishReason, TokenUsage, ToolCall } from '../../router/chat-types.ts';

/** The fields of an OpenAI-compatible `usage` object we read. */
export interface WireUsage {
  readonly prompt_tokens?: number | null;
  readonly completion_tokens?: number | null;
  readonly total_tokens?: number | null;
  readonly prompt_tokens_details?: { readonly cached_tokens?: number | null } | null;
  /** OpenRouter (always) and LiteLLM (with `include_cost_in_streaming_usage`): USD charged. */
  readonly cost?: number | null;
}

/** Maps the wire `finish_reason` onto ours. */
export function toFinishReason(reason: string | null | undefined): FinishReason {
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

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Token counts from a wire `usage`; `undefined` when the gateway sent none. */
export function toTokenUsage(usage: WireUsage | null | undefined): TokenUsage | undefined {
  if (!usage || (usage.prompt_tokens == null && usage.completion_tokens == null)) return undefined;
  const inputTokens = count(usage.prompt_tokens);
  const outputTokens = count(usage.completion_tokens);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: Math.min(inputTokens, count(usage.prompt_tokens_details?.cached_tokens)),
    totalTokens: inputTokens + outputTokens,
  };
}

/** A wire tool call, as found in `choices[0].message.tool_calls`. */
export interface WireToolCall {
  readonly id?: string;
  readonly function?: { readonly name?: string; readonly arguments?: string };
}

export function toToolCalls(calls: readonly WireToolCall[] | null | undefined): ToolCall[] {
  if (!calls || calls.length === 0) return [];
  return calls.map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.function?.name ?? '',
    arguments: call.function?.arguments ?? '',
  }));
}
