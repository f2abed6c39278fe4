import type { TransportResult } from '../transports/transport.ts';
import {
  figureWarning,
  finishWithError,
  settleCost,
  settleUsage,
  successRecord,
  withBilledFailures,
} from './call-records.ts';
import { createCallSignal } from './call-signal.ts';
import type { ChatOptions, ChatResult } from './chat-types.ts';
import { planCall } from './plan-call.ts';
import { recordUsage } from './record-usage.ts';
import type { RouterContext } from './router-context.ts';
import { runCandidates } from './run-candidates.ts';
import { emitCallStart, transportRequest } from './transport-request.ts';

/** `router.chat()`: one whole answer, through the best candidate that will give it. */
export async function executeChat(context: RouterContext, options: ChatOptions): Promise<ChatResult> {
  const plan = planCall(context, options);
  emitCallStart(context, plan, false);
  const call = createCallSignal(context.clock, options.timeoutMs ?? context.timeoutMs, options.signal);
  try {
    const run = await runCandidates<TransportResult>(
      context,
      plan,
      call,
      (candidate, _route, credentials) => {
        const transport = context.transports.get(candidate.gateway);
        if (!transport) throw new Error(`No transport for gateway ${candidate.gateway}`);
        return (signal) => transport.chat(transportRequest(plan, candidate, credentials, signal));
      },
    );
    const finishedAt = context.clock.now();
    const answer = run.value;
    context.availability.recordRateLimit(
      run.candidate.gateway,
      run.candidate.model.provider,
      answer.rateLimit,
    );
    const warn = figureWarning(context, plan, run.candidate.gateway);
    const { usage, estimated } = settleUsage(plan, answer.usage, answer.text, warn);
    const answerCost = settleCost(run.candidate, usage, estimated, answer.costUsd, warn);
    run.admission?.settle({ tokens: usage.totalTokens, costUsd: answerCost.usd });
    const cost = withBilledFailures(answerCost, run.billedNanoUsd);
    const latencyMs = finishedAt - plan.startedAt;
    const result: ChatResult = {
      callId: plan.callId,
      text: answer.text,
      message:
        answer.toolCalls.length > 0
          ? { role: 'assistant', content: answer.text || null, toolCalls: answer.toolCalls }
          : { role: 'assistant', content: answer.text },
      toolCalls: answer.toolCalls,
      finishReason: answer.finishReason,
      usage,
      cost,
      route: run.route,
      attempts: run.attempts,
      latencyMs,
    };
    recordUsage(context, successRecord(plan, run, usage, cost, finishedAt, undefined, 'ok', false));
    if (context.events.listenerCount('call-end') > 0) {
      context.events.emit('call-end', {
        callId: plan.callId,
        route: run.route,
        usage,
        cost,
        latencyMs,
        attempts: run.attempts,
        finishReason: result.finishReason,
        message: result.message,
      });
    }
    return result;
  } catch (thrown) {
    throw finishWithError(context, plan, thrown, false);
  } finally {
    call.dispose();
  }
}
