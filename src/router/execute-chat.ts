import type { ChatOptions, ChatResult } from '../types/chat.ts';
import type { TransportResult } from '../types/transport.ts';
import { settleCost, settleUsage } from './call-records.ts';
import { type CallRunner, transportOf } from './call-runner.ts';
import { createCallSignal } from './call-signal.ts';
import { CallFailure, runCandidates } from './run-candidates.ts';
import { transportRequest } from './transport-request.ts';

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
