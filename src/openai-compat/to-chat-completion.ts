import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { callMetadata } from '../router/call-metadata.ts';
import type { ChatResult, FinishReason, TokenUsage } from '../types/chat.ts';
import { ROUTER_COMPLETION_FIELD } from './router-completion-metadata.ts';

type WireFinishReason = ChatCompletion.Choice['finish_reason'];

/** The router's finish reason in OpenAI's words; `error` and `other` have none and read as `stop`. */
export function toWireFinishReason(reason: FinishReason): WireFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** The router's token counts as OpenAI's `usage` (cached input tokens in `prompt_tokens_details`). */
export function toWireUsage(usage: TokenUsage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
  };
}

/** The completion id of a router call: OpenAI's `chatcmpl-` prefix and the router's call id. */
export const completionId = (callId: string): string => `chatcmpl-${callId}`;

/** A router result as the `ChatCompletion` the openai client returns, plus the `llm_router` field. */
export function toChatCompletion(result: ChatResult, created: number): ChatCompletion {
  const toolCalls = result.toolCalls.map(
    (call): ChatCompletionMessageFunctionToolCall => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }),
  );
  const completion: ChatCompletion & { [ROUTER_COMPLETION_FIELD]: unknown } = {
    id: completionId(result.callId),
    object: 'chat.completion',
    created,
    model: result.route.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text === '' && toolCalls.length > 0 ? null : result.text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toWireFinishReason(result.finishReason),
        logprobs: null,
      },
    ],
    usage: toWireUsage(result.usage),
    [ROUTER_COMPLETION_FIELD]: callMetadata(result),
  };
  return completion;
}

/** A chunk of a streamed completion with one choice (or none, for the usage chunk). */
export function chunk(
  base: { readonly id: string; readonly created: number; readonly model: string },
  choice: Omit<ChatCompletionChunk.Choice, 'index' | 'logprobs'> | undefined,
  extra: Partial<ChatCompletionChunk> & Record<string, unknown> = {},
): ChatCompletionChunk {
  return {
    id: base.id,
    object: 'chat.completion.chunk',
    created: base.created,
    model: base.model,
    choices: choice === undefined ? [] : [{ index: 0, logprobs: null, ...choice }],
    ...extra,
  };
}
