import { randomUUID } from 'node:crypto';
import { computeCostUsd } from '../catalog/compute-cost.ts';
import { estimatePromptTokens } from '../catalog/estimate-tokens.ts';
import type { ExcludedCandidate } from '../errors/call-errors.ts';
import { buildCandidates, resolveModelId } from '../ranking/build-candidates.ts';
import type { Candidate, RankingInput } from '../ranking/candidate.ts';
import { rankCandidates } from '../ranking/rank-candidates.ts';
import type { ChatOptions } from './chat-types.ts';
import { checkChatOptions, impliedRequirements } from './check-chat-options.ts';
import type { RouterContext } from './router-context.ts';

/** A call, checked and ranked, before anything is sent. */
export interface CallPlan {
  readonly callId: string;
  readonly options: ChatOptions;
  /** In the order to try. */
  readonly candidates: readonly Candidate[];
  /** Why models were left out, when none is left. */
  readonly excluded: readonly ExcludedCandidate[];
  readonly promptTokens: number;
  /** Output tokens assumed for estimates: `maxTokens`, else the router's `expectedOutputTokens`. */
  readonly outputTokens: number;
  readonly startedAt: number;
}

function requestedModels(context: RouterContext, model: ChatOptions['model']): string[] | undefined {
  if (model === undefined) return undefined;
  const names = typeof model === 'string' ? [model] : model;
  return names.map((name) => resolveModelId(context.table.catalog, name, context.table.gateways) ?? name);
}

/** Checks the options (throws `InvalidRequestError`), builds and ranks the candidates. */
export function planCall(context: RouterContext, options: ChatOptions): CallPlan {
  checkChatOptions(options);
  const startedAt = context.clock.now();
  const promptTokens = estimatePromptTokens(options.messages, options.tools);
  const outputTokens = options.maxTokens ?? context.expectedOutputTokens;
  const { candidates, excluded } = buildCandidates(context.table, {
    models: requestedModels(context, options.model),
    requirements: impliedRequirements(options),
    promptTokens,
    maxTokens: options.maxTokens,
  });
  const estimate = { inputTokens: promptTokens, outputTokens, cachedInputTokens: 0 };
  const inputs: RankingInput[] = candidates.map((candidate) => ({
    candidate,
    estimatedCostUsd: computeCostUsd(candidate.pricing, estimate),
    availability: context.availability.of(candidate),
  }));
  const ranked = inputs.length > 1 ? rankCandidates(inputs, context.ranking) : inputs;
  return {
    callId: options.callId ?? randomUUID(),
    options,
    candidates: ranked.map((input) => input.candidate),
    excluded,
    promptTokens,
    outputTokens,
    startedAt,
  };
}
