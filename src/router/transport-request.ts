import type { Candidate } from '../ranking/candidate.ts';
import type { TransportRequest } from '../transports/transport.ts';
import type { CallPlan } from './plan-call.ts';
import type { Credentials } from './resolve-credentials.ts';
import type { Route } from './route.ts';
import type { RouterContext } from './router-context.ts';

/** One attempt's request, as a transport receives it. The user's key is revealed only here. */
export function transportRequest(
  plan: CallPlan,
  candidate: Candidate,
  credentials: Credentials,
  signal: AbortSignal,
): TransportRequest {
  const { options } = plan;
  return {
    callId: plan.callId,
    provider: candidate.model.provider,
    model: candidate.gatewayModel,
    messages: options.messages,
    tools: options.tools,
    toolChoice: options.toolChoice,
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    responseFormat: options.responseFormat,
    user: options.user,
    tags: options.tags,
    providerApiKey: credentials.apiKey?.reveal(),
    signal,
  };
}

/** Emits `call-start`, when anyone listens. */
export function emitCallStart(context: RouterContext, plan: CallPlan, stream: boolean): void {
  if (context.events.listenerCount('call-start') === 0) return;
  const first = plan.candidates[0];
  const preferred: Route | undefined = first
    ? {
        provider: first.model.provider,
        model: first.model.id,
        gateway: first.gateway,
        gatewayModel: first.gatewayModel,
        keyId: context.credentials.organisation(first).keyId,
      }
    : undefined;
  context.events.emit('call-start', {
    callId: plan.callId,
    user: plan.options.user,
    tags: plan.options.tags ?? [],
    stream,
    candidates: plan.candidates.length,
    preferred,
    options: plan.options,
  });
}
