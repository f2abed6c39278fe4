import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CallMetadata } from '../router/call-metadata.ts';

/** The field the router adds to a `ChatCompletion` and to a stream's last chunk. */
export const ROUTER_COMPLETION_FIELD = 'llm_router';

/** Where a completion was routed, what it cost and every candidate tried (the `llm_router` field). */
export type RouterCompletionMetadata = CallMetadata;

/**
 * The router's metadata of a completion from `createRouterOpenAIClient()`: on a `ChatCompletion`,
 * or on the last chunk of a stream. `undefined` for anything else.
 *
 * @example
 * const completion = await client.chat.completions.create({ model: 'auto', messages });
 * routerMetadataOf(completion)?.route.gateway; // 'litellm' or 'openrouter'
 */
export function routerMetadataOf(
  completion: ChatCompletion | ChatCompletionChunk,
): RouterCompletionMetadata | undefined {
  const value: unknown = (completion as unknown as Record<string, unknown>)[ROUTER_COMPLETION_FIELD];
  return typeof value === 'object' && value !== null ? (value as RouterCompletionMetadata) : undefined;
}
