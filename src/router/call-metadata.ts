import type { Cost } from '../types/chat.ts';
import type { Attempt, Route } from '../types/route.ts';

/**
 * Where a call was routed, what it cost and every candidate tried, as plain JSON data: what the AI
 * SDK provider puts in `providerMetadata.llmRouter` and the OpenAI client in a completion's
 * `llm_router` field.
 */
export interface CallMetadata {
  /** The router's call id. */
  readonly callId: string;
  /** The candidate that answered. */
  readonly route: Route;
  /** What the call cost, and where the figure comes from. */
  readonly cost: Cost;
  /** Every candidate tried or skipped, the one that answered last; `error` says why one failed. */
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

/** What a finished (or interrupted) call tells its metadata: a result, or a stream's error. */
export interface CallOutcome {
  readonly callId: string;
  readonly route: Route;
  readonly cost: Cost;
  readonly attempts: readonly Attempt[];
  readonly latencyMs?: number;
  readonly timeToFirstTokenMs?: number | undefined;
}

/** The metadata of a finished (or interrupted) call; `latencyMs` defaults to the attempts' sum. */
export function callMetadata(result: CallOutcome): CallMetadata {
  return {
    callId: result.callId,
    route: { ...result.route },
    cost: { ...result.cost },
    attempts: result.attempts.map((attempt) => ({
      route: { ...attempt.route },
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
    latencyMs: result.latencyMs ?? result.attempts.reduce((total, attempt) => total + attempt.latencyMs, 0),
    ...(result.timeToFirstTokenMs === undefined ? {} : { timeToFirstTokenMs: result.timeToFirstTokenMs }),
  };
}
