import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Cost } from '../router/chat-types.ts';
import type { Attempt, Route } from '../router/route.ts';

/** The field the router adds to a `ChatCompletion` and to a stream's last chunk. */
export const ROUTER_COMPLETION_FIELD = 'llm_router';

/** Where a completion was routed, what it cost and every candidate tried (the `llm_router` field). */
export interface RouterCompletionMetadata {
  /** The router's call id (also the completion's `id` after `chatcmpl-`, and its request id). */
  readonly callId: string;
  /** The candidate that answered. */
  readonly route: Route;
  /** What the call cost, and where the figure comes from. */
  readonly cost: Cost;
  /** Every candidate tried or skipped, the one that answered last. */
  readonly attempts: readonly {
    readonly route: Route;
    readonly outcome: Attempt['outcome'];
    readonly tries: number;
    readonly latencyMs: number;
    readonly error?: { readonly kind: string; readonly status?: number; readonly message: string };
  }[];
  /** An earlier candidate failed or was skipped. */
  readonly fallback: boolean;
  /** Wall time of the router call. */
  readonly latencyMs: number;
  /** Streams: from the call's start to the first content. */
  readonly timeToFirstTokenMs?: number;
}

/** Builds the metadata of a router result. */
export function completionMetadata(result: {
  readonly callId: string;
  readonly route: Route;
  readonly cost: Cost;
  readonly attempts: readonly Attempt[];
  readonly latencyMs: number;
  readonly timeToFirstTokenMs?: number | undefined;
}): RouterCompletionMetadata {
  return {
    callId: result.callId,
    route: result.route,
    cost: result.cost,
    attempts: result.attempts.map((attempt) => ({
      route: attempt.route,
      outcome: attempt.outcome,
      tries: attempt.tries,
      latencyMs: attempt.latencyMs,
      ...(attempt.error === undefined
        ? {}
        : {
            error: {
              kind: attempt.error.kind,
              ...(attempt.error.status === undefined ? {} : { status: attempt.error.status }),
              message: attempt.error.message,
            },
          }),
    })),
    fallback: result.attempts.some((attempt) => attempt.outcome !== 'ok'),
    latencyMs: result.latencyMs,
    ...(result.timeToFirstTokenMs === undefined ? {} : { timeToFirstTokenMs: result.timeToFirstTokenMs }),
  };
}

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
