import { estimatePromptTokens, estimateTextTokens } from '../catalog/estimate-tokens.ts';
import { sleep } from '../clock/sleep.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { isAttemptTimeout } from '../transports/abort-reasons.ts';
import type { FinishReason, TokenUsage, ToolCall } from '../types/chat.ts';
import type { Clock } from '../types/clock.ts';
import type { FailureScope, GatewayErrorKind } from '../types/error-kinds.ts';
import type { GatewayId } from '../types/model.ts';
import type {
  Transport,
  TransportCapabilities,
  TransportRequest,
  TransportResult,
  TransportStream,
  TransportStreamPart,
} from '../types/transport.ts';

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
  /** Streams: the text deltas to send. @default the text split after every word */
  readonly chunks?: readonly string[];
  /** Streams: wait this long on the clock before each delta. */
  readonly chunkDelayMs?: number;
  /** Streams: fail with this error after sending `afterChunks` deltas. */
  readonly streamError?: FakeFailure & { readonly afterChunks: number };
  /** Streams: stop sending (without ending) after this many deltas, until the attempt is aborted. */
  readonly stallAfterChunks?: number;
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

/** A recorded call, without its signal; `stream` tells `stream()` calls from `chat()` calls. */
export type FakeCall = Omit<TransportRequest, 'signal'> & { readonly stream: boolean };

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
  /**
   * What the fake gateway declares it can do.
   * @default { providerKeys: true, reportsCost: true, freeHealthProbe: true, keyPerProvider: false }
   */
  readonly capabilities?: Partial<TransportCapabilities>;
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
    capabilities: {
      providerKeys: true,
      reportsCost: true,
      freeHealthProbe: true,
      keyPerProvider: false,
      ...settings.capabilities,
    },
    calls,
    enqueue: (...replies) => void queue.push(...replies),
    setHealthy: (value) => {
      healthy = value;
    },
    async probe() {
      return healthy;
    },
    async chat(request: TransportRequest): Promise<TransportResult> {
      const { reply, call } = await open(request, false);
      const answer = settle(reply, call, settings.gateway);
      return {
        text: answer.text,
        toolCalls: answer.toolCalls,
        finishReason: answer.finishReason,
        usage: answer.usage,
        costUsd: reply.costUsd,
        servedModel: call.model,
        requestId: `fake-${calls.length}`,
        rateLimit: undefined,
      };
    },
    async stream(request: TransportRequest): Promise<TransportStream> {
      const { reply, call } = await open(request, true);
      const answer = settle(reply, call, settings.gateway);
      const signal = request.signal;
      async function* parts(): AsyncGenerator<TransportStreamPart, void, undefined> {
        const chunks = reply.chunks ?? answer.text.match(/\S+\s*|\s+/g) ?? [];
        for (let index = 0; index < chunks.length; index++) {
          if (reply.streamError && index === reply.streamError.afterChunks)
            throw failureFor(call, reply.streamError, signal);
          if (reply.stallAfterChunks !== undefined && index === reply.stallAfterChunks) {
            await waitForAbort(signal).catch(() => undefined);
          }
          if (reply.chunkDelayMs)
            await sleep(settings.clock, reply.chunkDelayMs, signal).catch(() => undefined);
          if (signal.aborted) throw failureFor(call, undefined, signal);
          yield { type: 'text-delta', text: chunks[index] as string };
        }
        if (reply.streamError && reply.streamError.afterChunks >= chunks.length)
          throw failureFor(call, reply.streamError, signal);
        for (const [index, toolCall] of answer.toolCalls.entries()) {
          yield {
            type: 'tool-call-delta',
            index,
            id: toolCall.id,
            name: toolCall.name,
            argumentsDelta: toolCall.arguments,
          };
        }
        yield { type: 'finish', finishReason: answer.finishReason };
        if (answer.usage) yield { type: 'usage', usage: answer.usage, costUsd: reply.costUsd };
      }
      return { requestId: `fake-${calls.length}`, rateLimit: undefined, [Symbol.asyncIterator]: parts };
    },
  };

  async function open(
    request: TransportRequest,
    stream: boolean,
  ): Promise<{ reply: FakeAnswer; call: FakeCall }> {
    const { signal, providerApiKey, ...rest } = request;
    // A user's key is never kept in the record (tests snapshot `calls`); only that one was sent.
    const call: FakeCall =
      providerApiKey === undefined ? { ...rest, stream } : { ...rest, providerApiKey: '[redacted]', stream };
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
    return { reply: reply as FakeAnswer, call };
  }
}

function settle(
  answer: FakeAnswer,
  call: FakeCall,
  gateway: GatewayId,
): {
  text: string;
  toolCalls: readonly ToolCall[];
  finishReason: FinishReason;
  usage: TokenUsage | undefined;
} {
  const text =
    answer.text ?? answer.chunks?.join('') ?? `echo from ${gateway}:${call.model}: ${lastUserText(call)}`;
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
  const toolCalls = answer.toolCalls ?? [];
  return {
    text,
    toolCalls,
    finishReason: answer.finishReason ?? (toolCalls.length > 0 ? 'tool-calls' : 'stop'),
    usage,
  };
}
