import type { ChatResult, Cost, FinishReason, TokenUsage, ToolCall } from './chat.ts';
import type { Route } from './route.ts';

/** One piece of a streamed answer. */
export type StreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | {
      readonly type: 'tool-call-delta';
      /** Position of the tool call in the answer; deltas of one call share it. */
      readonly index: number;
      /** Present on the first delta of a call. */
      readonly id?: string;
      readonly name?: string;
      readonly argumentsDelta: string;
    }
  /** A tool call, whole, once its stream is complete. */
  | { readonly type: 'tool-call'; readonly toolCall: ToolCall }
  /** The last part of a complete stream. */
  | {
      readonly type: 'finish';
      readonly finishReason: FinishReason;
      readonly usage: TokenUsage;
      readonly cost: Cost;
      readonly route: Route;
    };

/** The outcome of a stream: everything `chat()` returns, plus how it ended. */
export interface StreamResult extends ChatResult {
  /**
   * `complete`: the gateway finished. `aborted`: the caller left the loop or aborted the signal;
   * text, usage and cost cover what was delivered until then.
   */
  readonly status: 'complete' | 'aborted';
  /** From the call's start to the first content delta. */
  readonly timeToFirstTokenMs: number | undefined;
}

/**
 * A streaming call. Iterate it (once) for parts, or `textStream` for text only; `result` settles
 * when the stream ends. Reading is pull-based: a slow reader slows the upstream. A second reader
 * gets `StreamAlreadyReadError`.
 */
export interface ChatStream extends AsyncIterable<StreamPart> {
  readonly callId: string;
  /** The text deltas only. Uses the same single stream as iterating the parts. */
  readonly textStream: AsyncIterable<string>;
  /**
   * The final result. Resolves when the stream completes or is aborted (`status`), rejects when
   * every candidate failed before content (`AllCandidatesFailedError`, …) or the stream broke after
   * content (`StreamInterruptedError`).
   *
   * Nothing is read (nothing is even sent) until the stream is iterated, or until a value is asked
   * of `result` (`await`, `.then(f)`, `.finally(f)`, `Promise.all`, also on what `.catch(f)`
   * returns) with no iteration begun by the next turn of the event loop: then the router reads the
   * stream to its end on its own, and iterating afterwards throws `StreamAlreadyReadError`.
   * Attaching only a failure handler (`result.catch(log)`) reads nothing.
   */
  readonly result: Promise<StreamResult>;
}
