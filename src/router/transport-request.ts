import type { Candidate } from '../ranking/candidate.ts';
import type { TransportRequest } from '../types/transport.ts';
import type { CallPlan } from './plan-call.ts';
import type { Credentials } from './resolve-credentials.ts';

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
