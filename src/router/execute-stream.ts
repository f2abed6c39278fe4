import { forwardAbort } from '../clock/forward-abort.ts';
import { CallAbortedError, type CallError, StreamInterruptedError } from '../errors/call-errors.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import { AttemptTimeoutReason } from '../transports/abort-reasons.ts';
import type { ChatOptions, Cost, TokenUsage } from '../types/chat.ts';
import type { TimerHandle } from '../types/clock.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { ChatStream, StreamPart, StreamResult } from '../types/stream.ts';
import type { RateLimitSnapshot, TransportStreamPart } from '../types/transport.ts';
import type { UsageRecord, UsageStatus } from '../types/usage-record.ts';
import type { CallObserver } from './call-observer.ts';
import { type CallRunner, transportOf } from './call-runner.ts';
import { CallDeadlineReason, createCallSignal } from './call-signal.ts';
import { createChatStream, type StreamOutcome } from './chat-stream.ts';
import { checkStreamPart, Delivered } from './delivered-stream.ts';
import type { CallPlan } from './plan-call.ts';
import type { Credentials } from './resolve-credentials.ts';
import { toGatewayError } from './run-attempt.ts';
import { CallFailure, runCandidates } from './run-candidates.ts';
import { transportRequest } from './transport-request.ts';

/** A stream that delivered its first content part: the attempt that opened it succeeded. */
interface OpenedStream {
  readonly iterator: AsyncIterator<TransportStreamPart>;
  /** Parts read while waiting for the first content, the content part last. */
  readonly buffered: readonly TransportStreamPart[];
  /** The stream ended before any content (an empty answer). */
  readonly ended: boolean;
  readonly controller: AbortController;
  readonly openedAt: number;
  /** Rate-limit headers of the answer. */
  readonly rateLimit: RateLimitSnapshot | undefined;
  /** Unlinks the call's signal. */
  release(): void;
}

function isContent(part: TransportStreamPart): boolean {
  return part.type === 'text-delta' || part.type === 'tool-call-delta';
}

/**
 * Opens a stream on one candidate and reads until its first content part. Everything up to that
 * point is the attempt: a failure here (refused, 5xx, timeout to first byte, an error event before
 * any content) moves the call to the next candidate. From the first content on, nothing is replayed.
 */
function openUntilFirstContent(
  runner: CallRunner,
  plan: CallPlan,
  candidate: Candidate,
  credentials: Credentials,
  callSignal: AbortSignal,
): (attemptSignal: AbortSignal) => Promise<OpenedStream> {
  const transport = transportOf(runner, candidate.gateway);
  const { clock } = runner;
  return async (attemptSignal) => {
    const controller = new AbortController();
    // The attempt's signal carries the time-to-first-token timeout; the call's signal outlives the
    // attempt and keeps the caller's abort and the call deadline connected to the whole stream.
    forwardAbort(attemptSignal, controller);
    const unlinkCall = forwardAbort(callSignal, controller);
    try {
      const stream = await transport.stream(
        transportRequest(plan, candidate, credentials, controller.signal),
      );
      const iterator = stream[Symbol.asyncIterator]();
      const buffered: TransportStreamPart[] = [];
      for (;;) {
        const next = await iterator.next();
        if (next.done)
          return {
            iterator,
            buffered,
            ended: true,
            controller,
            openedAt: clock.now(),
            rateLimit: stream.rateLimit,
            release: unlinkCall,
          };
        buffered.push(checkStreamPart(next.value, candidate));
        if (isContent(next.value)) {
          return {
            iterator,
            buffered,
            ended: false,
            controller,
            openedAt: clock.now(),
            rateLimit: stream.rateLimit,
            release: unlinkCall,
          };
        }
      }
    } catch (error) {
      unlinkCall();
      controller.abort();
      throw error;
    }
  };
}

/** `router.stream()`: the same call as `chat()`, delivered as it is generated. */
export function executeStream(runner: CallRunner, options: ChatOptions): ChatStream {
  const plan = runner.plan(options);
  const { clock, idleTimeoutMs } = runner;
  const observer: CallObserver = runner.observe(plan, true);
  observer.callStarted();

  async function* generate(result: StreamOutcome): AsyncGenerator<StreamPart, void, undefined> {
    const call = createCallSignal(clock, options.timeoutMs ?? runner.timeoutMs, options.signal);
    const delivered = new Delivered();
    let opened: OpenedStream | undefined;
    let candidate: Candidate | undefined;
    let route: Route | undefined;
    let attempts: readonly Attempt[] = [];
    let fallback = false;
    let settledFigures: { usage: TokenUsage; cost: Cost } | undefined;
    let firstTokenAt: number | undefined;
    let settled = false;
    let idleTimer: TimerHandle | undefined;
    // Set while the router awaits the upstream's next part; unset while the caller holds one.
    let waitingSince: number | undefined;

    // Usage and cost of what was delivered (the answer's own cost settles the limits; the call's
    // cost adds what gateways billed for failed attempts before it). Computed once.
    const figures = (): { usage: TokenUsage; cost: Cost } => {
      if (settledFigures) return settledFigures;
      const { usage, cost } = delivered.settle(
        plan,
        candidate as Candidate,
        observer.figureWarning((candidate as Candidate).gateway),
      );
      settledFigures = { usage, cost: observer.settle(usage, cost) };
      return settledFigures;
    };

    const finish = (
      status: UsageStatus,
      errorKind: UsageStatusKind,
      error?: CallError,
    ): StreamResult | undefined => {
      settled = true;
      if (!candidate || !route) return undefined;
      const { usage, cost } = figures();
      const toolCalls = delivered.calls();
      const timeToFirstTokenMs = firstTokenAt === undefined ? undefined : firstTokenAt - plan.startedAt;
      const message: StreamResult['message'] =
        toolCalls.length > 0
          ? { role: 'assistant', content: delivered.text || null, toolCalls }
          : { role: 'assistant', content: delivered.text };
      const finishReason = status === 'aborted' ? 'other' : delivered.finishReason;
      const latencyMs = observer.finished(
        { route, attempts, fallback },
        {
          status,
          usage,
          cost,
          timeToFirstTokenMs,
          errorKind,
          error,
          answer: error ? undefined : { finishReason, message },
        },
      );
      if (error) return undefined;
      return {
        callId: plan.callId,
        text: delivered.text,
        message,
        toolCalls,
        finishReason,
        usage,
        cost,
        route,
        attempts,
        latencyMs,
        status: status === 'aborted' ? 'aborted' : 'complete',
        timeToFirstTokenMs,
      };
    };

    // One timer per stream, re-armed only when it fires: a stall of idleTimeoutMs while the router
    // waits for the next part aborts the stream as a timeout, without a timer per chunk. Time the
    // caller spends with a part (suspended at `yield`) is the caller's, never a stall.
    const armIdleTimer = (controller: AbortController) => {
      const check = () => {
        const idle = waitingSince === undefined ? 0 : clock.now() - waitingSince;
        if (idle >= idleTimeoutMs) controller.abort(new AttemptTimeoutReason(idleTimeoutMs));
        else idleTimer = clock.setTimer(check, idleTimeoutMs - idle, { background: true });
      };
      idleTimer = clock.setTimer(check, idleTimeoutMs, { background: true });
    };

    try {
      let run: Awaited<ReturnType<typeof runCandidates<OpenedStream>>>;
      try {
        run = await runCandidates(runner.loop, plan, call, observer, (next, _route, credentials) =>
          openUntilFirstContent(runner, plan, next, credentials, call.signal),
        );
      } catch (thrown) {
        settled = true;
        if (!(thrown instanceof CallFailure)) throw thrown;
        observer.failed(thrown.error, thrown.attempts, thrown.lastRoute);
        throw thrown.error;
      }
      opened = run.value;
      candidate = run.candidate;
      route = run.route;
      attempts = run.attempts;
      fallback = run.fallback;
      observer.rateLimitSeen(run.candidate, opened.rateLimit);
      if (!opened.ended) firstTokenAt = opened.openedAt;
      armIdleTimer(opened.controller);

      for (const part of opened.buffered) {
        delivered.add(part);
        if (part.type === 'text-delta' || part.type === 'tool-call-delta') yield part;
      }
      if (!opened.ended) {
        for (;;) {
          waitingSince = clock.now();
          const next = await opened.iterator.next();
          waitingSince = undefined;
          if (next.done) break;
          const part = checkStreamPart(next.value, run.candidate);
          delivered.add(part);
          if (part.type === 'text-delta' || part.type === 'tool-call-delta') yield part;
        }
      }
      const value = finish('ok', undefined) as StreamResult;
      result.resolve(value);
      for (const toolCall of value.toolCalls) yield { type: 'tool-call', toolCall };
      yield {
        type: 'finish',
        finishReason: value.finishReason,
        usage: value.usage,
        cost: value.cost,
        route: value.route,
      };
    } catch (thrown) {
      if (settled) {
        result.reject(thrown);
        throw thrown;
      }
      // The stream broke after content reached the caller.
      const error = toGatewayError(thrown, candidate as Candidate);
      const reason: unknown = call.signal.reason;
      if (call.signal.aborted && !(reason instanceof CallDeadlineReason)) {
        const value = finish('aborted', undefined);
        if (value) result.resolve(value);
        throw new CallAbortedError({ callId: plan.callId, attempts, cause: reason });
      }
      delivered.billedCostUsd = error.billedCostUsd;
      const { usage, cost } = figures();
      const interrupted = new StreamInterruptedError({
        callId: plan.callId,
        attempts,
        error: reason instanceof CallDeadlineReason ? timeoutError(error, reason) : error,
        partialText: delivered.text,
        partialToolCalls: delivered.calls(),
        usage,
        cost,
        route: route as Route,
      });
      // The caller's own deadline says nothing about the gateway's health.
      if (!(reason instanceof CallDeadlineReason)) observer.streamBroke(interrupted.error);
      finish('error', reason instanceof CallDeadlineReason ? 'timeout' : interrupted.error.kind, interrupted);
      result.reject(interrupted);
      throw interrupted;
    } finally {
      idleTimer?.cancel();
      if (opened && !settled) {
        // The caller left the loop early: close the upstream connection and settle as aborted.
        opened.controller.abort(new CallAbortedError({ callId: plan.callId, attempts }));
        await opened.iterator.return?.().catch(() => undefined);
        const value = finish('aborted', undefined);
        if (value) result.resolve(value);
      }
      opened?.release();
      call.dispose();
    }
  }

  return createChatStream(plan.callId, generate);
}

type UsageStatusKind = UsageRecord['errorKind'];

function timeoutError(error: GatewayError, reason: CallDeadlineReason): GatewayError {
  return new GatewayError({
    kind: 'timeout',
    gateway: error.gateway,
    provider: error.provider,
    model: error.model,
    message: reason.message,
  });
}
