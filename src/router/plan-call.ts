import { randomUUID } from 'node:crypto';
import { computeCostUsd } from '../catalog/compute-cost.ts';
import { estimatePromptTokens } from '../catalog/estimate-tokens.ts';
import type { ExcludedCandidate } from '../errors/call-errors.ts';
import { buildCandidates, type RoutingTable, resolveModelId } from '../ranking/build-candidates.ts';
import type { Availability, Candidate, RankingInput } from '../ranking/candidate.ts';
import { type RankingPolicy, rankCandidates } from '../ranking/rank-candidates.ts';
import type { ChatOptions } from '../types/chat.ts';
import type { Clock } from '../types/clock.ts';
import type { AvailabilityTracker } from './availability-tracker.ts';
import { checkChatOptions, impliedRequirements } from './check-chat-options.ts';

/** What planning a call uses; built once by `createRouter()`. */
export interface CallPlanner {
  readonly clock: Clock;
  /** Catalog, providers and gateways: where candidates come from. */
  readonly table: RoutingTable;
  readonly availability: AvailabilityTracker;
  readonly ranking: RankingPolicy;
  /** Output tokens assumed for estimates when the call sets no `maxTokens`. */
  readonly expectedOutputTokens: number;
}

/** A call, checked and ranked, before anything is sent. */
export interface CallPlan {
  readonly callId: string;
  /** The usage record's key: the generated call id, or a fresh UUID when the caller chose the call id. */
  readonly recordId: string;
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

/**
 * A ranking input whose availability is read only by the policies that use it (`cheapest` does
 * not), once. A class, not an object literal with a getter: V8 builds these far faster.
 */
class PlannedInput implements RankingInput {
  readonly candidate: Candidate;
  readonly estimatedCostUsd: number;
  private readonly tracker: AvailabilityTracker;
  private cached: Availability | undefined;

  constructor(candidate: Candidate, estimatedCostUsd: number, tracker: AvailabilityTracker) {
    this.candidate = candidate;
    this.estimatedCostUsd = estimatedCostUsd;
    this.tracker = tracker;
  }

  get availability(): Availability {
    this.cached ??= this.tracker.of(this.candidate);
    return this.cached;
  }
}

function requestedModels(table: RoutingTable, model: ChatOptions['model']): string[] | undefined {
  if (model === undefined) return undefined;
  const names = typeof model === 'string' ? [model] : model;
  return names.map((name) => resolveModelId(table.catalog, name, table.gateways) ?? name);
}

/** Checks the options (throws `InvalidRequestError`), builds and ranks the candidates. */
export function planCall(planner: CallPlanner, options: ChatOptions): CallPlan {
  checkChatOptions(options);
  const startedAt = planner.clock.now();
  const promptTokens = estimatePromptTokens(options.messages, options.tools);
  const outputTokens = options.maxTokens ?? planner.expectedOutputTokens;
  const { candidates, excluded } = buildCandidates(planner.table, {
    models: requestedModels(planner.table, options.model),
    requirements: impliedRequirements(options),
    promptTokens,
    maxTokens: options.maxTokens,
  });
  const estimate = { inputTokens: promptTokens, outputTokens, cachedInputTokens: 0 };
  let ordered: readonly Candidate[] = candidates;
  if (candidates.length > 1) {
    const { availability } = planner;
    const inputs = candidates.map(
      (candidate) => new PlannedInput(candidate, computeCostUsd(candidate.pricing, estimate), availability),
    );
    ordered = rankCandidates(inputs, planner.ranking).map((input) => input.candidate);
  }
  const generatedId = options.callId === undefined ? randomUUID() : undefined;
  return {
    callId: options.callId ?? (generatedId as string),
    recordId: generatedId ?? randomUUID(),
    options,
    candidates: ordered,
    excluded,
    promptTokens,
    outputTokens,
    startedAt,
  };
}
