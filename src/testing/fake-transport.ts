import { estimatePromptTokens, estimateTextTokens } from '../catalog/estimate-tokens.ts';
import type { GatewayId } from '../catalog/model-definition.ts';
import type { Clock } from '../clock/clock.ts';
import { sleep } from '../clock/sleep.ts';
import { type FailureScope, GatewayError, type GatewayErrorKind } from '../errors/gateway-error.ts';
import type { FinishReason, TokenUsage, ToolCall } from '../router/chat-types.ts';
import { isAttemptTimeout } from '../transports/abort-reasons.ts';
import type { Transport, TransportRequest, TransportResult } from '../transports/transport.ts';

/** A scripted answer. */
export interface FakeAnswer {
  readonly text?: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly finishReason?: FinishReason;
  /** Token counts to report; estimated from the request and text when absent. `null` reports none. */
  readonly usage?: Partial<TokenUsage> | null;
  /** A cost the fake gateway reports; none when absent (the router then uses catalog prices). */
  readonly costUsd?: number;
  /** Wait this long on the transport's clock before answering. */
  readonly delayMs?: number;
}

/** A scripted failure. */
export interface FakeFailure {
  readonly error: GatewayErrorKind;
  readonly status?: number;
  readonly message?: string;
  readonly retryAfterMs?: number;
  readonly scope?: FailureScope;
  readonly delayMs?: number;
}

/** Never answers; fails only when the attempt's signal aborts (a timeout or the caller). */
export interface FakeHang {
  readonly hang: true;
}

export type FakeReply = FakeAnswer | FakeFailure | FakeHang;

/** A recorded call, without its signal. */
export type FakeCall = Omit<TransportRequest, 'signal'>;

export interface FakeTransportSettings {
  readonly gateway: GatewayId;
  /** The clock delays run on; pass the router's fake clock. */
  readonly clock: Clock;
  /** Replies used in order; then `fallback`. */
  readonly replies?: readonly FakeReply[];
  /** The reply when the queue is empty, or a function of the request. @default an echo of the last user message */
  readonly fallback?: FakeReply | ((call: FakeCall) => FakeReply);
  /** Answer of `probe()` (breaker health probes). @default true */
  readonly healthy?: boolean;
}

/** An in-process transport with scripted replies that records every call. */
export interface FakeTransport extends Transport {
  /** Every call received, in order. */
  readonly calls: readonly FakeCall[];
  /** Adds replies to the queue. */
  enqueue(...replies: FakeReply[]): void;
  /** Changes what `probe()` answers. */
  setHealthy(healthy: boolean): void;
}

function lastUserText(call: FakeCall): string {
  for (let index = call.messages.length - 1; index >= 0; index--) {
    const message = call.messages[index];
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((part) => (part.type === 'text' ? part.text : '[image]')).join(' ');
  }
  return '';
}

function waitForAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * A fake gateway for unit tests: no network, replies and failures scripted, delays on a fake clock.
 *
 * @example
 * const clock = createFakeClock();
 * const litellm = createFakeTransport({ gateway: 'litellm', clock, replies: [{ error: 'connection-refused' }] });
 * const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
 * const router = createRouter({ clock, transports: { litellm, openrouter } });
 */
export function createFakeTransport(settings: FakeTransportSettings): FakeTransport {
  const queue: FakeReply[] = [...(settings.replies ?? [])];
  const calls: FakeCall[] = [];
  let healthy = settings.healthy ?? true;

  const failureFor = (call: FakeCall, reply: FakeFailure | undefined, signal: AbortSignal): GatewayError => {
    const base = { gateway: settings.gateway, provider: call.provider, model: call.model };
    if (!reply) {
      return isAttemptTimeout(signal)
        ? new GatewayError({ ...base, kind: 'timeout', message: (signal.reason as Error).message })
        : new GatewayError({ ...base, kind: 'aborted', message: 'The attempt was aborted by the caller.' });
    }
    return new GatewayError({
      ...base,
      kind: reply.error,
      status: reply.status,
      message: reply.message ?? `scripted ${reply.error}`,
      retryAfterMs: reply.retryAfterMs,
      scope: reply.scope ?? 'gateway',
    });
  };

  return {
    gateway: settings.gateway,
    calls,
    enqueue: (...replies) => void queue.push(...replies),
    setHealthy: (value) => {
      healthy = value;
    },
    async probe() {
      return healthy;
    },
    async chat(request: TransportRequest): Promise<TransportResult> {
      const { signal, ...call } = request;
      calls.push(call);
      const fallback = settings.fallback ?? {};
      const reply = queue.shift() ?? (typeof fallback === 'function' ? fallback(call) : fallback);
      try {
        if ('hang' in reply) await waitForAbort(signal);
        else if (reply.delayMs) await sleep(settings.clock, reply.delayMs, signal);
      } catch {
        throw failureFor(call, undefined, signal);
      }
      if ('error' in reply) throw failureFor(call, reply, signal);
      const answer = reply as FakeAnswer;
      const text = answer.text ?? `echo from ${settings.gateway}:${call.model}: ${lastUserText(call)}`;
      let usage: TokenUsage | undefined;
      if (answer.usage !== null) {
        const inputTokens = answer.usage?.inputTokens ?? estimatePromptTokens(call.messages, call.tools);
        const outputTokens = answer.usage?.outputTokens ?? estimateTextTokens(text);
        usage = {
          inputTokens,
          outputTokens,
          cachedInputTokens: answer.usage?.cachedInputTokens ?? 0,
          totalTokens: inputTokens + outputTokens,
        };
      }
      return {
        text,
        toolCalls: answer.toolCalls ?? [],
        finishReason: answer.finishReason ?? ((answer.toolCalls?.length ?? 0) > 0 ? 'tool-calls' : 'stop'),
        usage,
        costUsd: answer.costUsd,
        servedModel: call.model,
        requestId: `fake-${calls.length}`,
        rateLimit: undefined,
      };
    },
  };
}
