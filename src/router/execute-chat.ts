import type { GatewayId } from '../catalog/model-definition.ts';
import type { Clock } from '../clock/clock.ts';
import type { Transport, TransportResult } from '../transports/transport.ts';
import type { CallObserver } from './call-observer.ts';
import { settleCost, settleUsage } from './call-records.ts';
import { createCallSignal } from './call-signal.ts';
import type { ChatOptions, ChatResult } from './chat-types.ts';
import type { CallPlan } from './plan-call.ts';
import { CallFailure, type CandidateLoop, runCandidates } from './run-candidates.ts';
import { transportRequest } from './transport-request.ts';

/** What running a call uses: how to plan and observe it, the loop, the transports, the clock. */
export interface CallRunner {
  readonly clock: Clock;
  readonly plan: (options: ChatOptions) => CallPlan;
  readonly observe: (plan: CallPlan, stream: boolean) => CallObserver;
  readonly loop: CandidateLoop;
  readonly transports: ReadonlyMap<GatewayId, Transport>;
  /** The call's whole budget when the options set none. */
  readonly timeoutMs: number;
  /** `stream()`: the longest stall between two parts. */
  readonly idleTimeoutMs: number;
}

/** The transport of a gateway the router was built with. */
export function transportOf(runner: CallRunner, gateway: GatewayId): Transport {
  const transport = runner.transports.get(gateway);
  if (!transport) throw new Error(`No transport for gateway ${gateway}`);
  return transport;
}

/** `router.chat()`: one whole answer, through the best candidate that will give it. */
export async function executeChat(runner: CallRunner, options: ChatOptions): Promise<ChatResult> {
  const plan = runner.plan(options);
  const observer = runner.observe(plan, false);
  observer.callStarted();
  const call = createCallSignal(runner.clock, options.timeoutMs ?? runner.timeoutMs, options.signal);
  try {
    const run = await runCandidates<TransportResult>(
      runner.loop,
      plan,
      call,
      observer,
      (candidate, _route, credentials) => {
        const transport = transportOf(runner, candidate.gateway);
        return (signal) => transport.chat(transportRequest(plan, candidate, credentials, signal));
      },
    );
    const answer = run.value;
    observer.rateLimitSeen(run.candidate, answer.rateLimit);
    const warn = observer.figureWarning(run.candidate.gateway);
    const { usage, estimated } = settleUsage(plan, answer.usage, answer.text, warn);
    const cost = observer.settle(usage, settleCost(run.candidate, usage, estimated, answer.costUsd, warn));
    const message: ChatResult['message'] =
      answer.toolCalls.length > 0
        ? { role: 'assistant', content: answer.text || null, toolCalls: answer.toolCalls }
        : { role: 'assistant', content: answer.text };
    const latencyMs = observer.finished(run, {
      status: 'ok',
      usage,
      cost,
      answer: { finishReason: answer.finishReason, message },
    });
    return {
      callId: plan.callId,
      text: answer.text,
      message,
      toolCalls: answer.toolCalls,
      finishReason: answer.finishReason,
      usage,
      cost,
      route: run.route,
      attempts: run.attempts,
      latencyMs,
    };
  } catch (thrown) {
    if (!(thrown instanceof CallFailure)) throw thrown;
    observer.failed(thrown.error, thrown.attempts, thrown.lastRoute);
    throw thrown.error;
  } finally {
    call.dispose();
  }
}
