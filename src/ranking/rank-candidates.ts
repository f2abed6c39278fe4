import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import type { RankingInput } from './candidate.ts';

/** Weights of the `weighted` policy; they need not sum to 1. */
export interface RankingWeights {
  /** Weight of estimated cost. @default 0.5 */
  readonly cost?: number;
  /** Weight of availability (breaker state, error rate, headroom). @default 0.4 */
  readonly availability?: number;
  /** Weight of recent latency. @default 0.1 */
  readonly latency?: number;
}

/** Your own ranking: return the inputs in the order to try them (drop any to exclude them). */
export type RankingFunction = (inputs: readonly RankingInput[]) => readonly RankingInput[];

/**
 * - `cheapest`: lowest estimated cost first; the gateway order (LiteLLM, then OpenRouter) breaks ties.
 * - `available`: healthiest first (breaker, error rate, headroom), then fastest, then cheapest.
 * - `{ weights }`: a weighted mix of normalised cost, unavailability and latency.
 * - a function: your own order.
 *
 * Whatever the policy, the router skips, at call time, a candidate refused right now (breaker open,
 * cooling down after a `Retry-After`, no limit headroom) and reports the skip as a `fallback`.
 */
export type RankingPolicy = 'cheapest' | 'available' | { readonly weights: RankingWeights } | RankingFunction;

/** 1 for a healthy candidate, down to 0 for one that is refused or failing. */
export function availabilityScore(input: RankingInput): number {
  const { availability } = input;
  const breaker = availability.breaker === 'closed' ? 1 : availability.breaker === 'half-open' ? 0.5 : 0;
  const cooling = availability.cooldownMs > 0 ? 0 : 1;
  return (
    breaker *
    cooling *
    (1 - Math.min(1, Math.max(0, availability.errorRate))) *
    (0.5 + availability.headroom / 2)
  );
}

function byCost(a: RankingInput, b: RankingInput): number {
  return a.estimatedCostUsd - b.estimatedCostUsd || a.candidate.gatewayRank - b.candidate.gatewayRank;
}

function byAvailability(a: RankingInput, b: RankingInput): number {
  return (
    availabilityScore(b) - availabilityScore(a) ||
    (a.availability.latencyMs ?? Number.POSITIVE_INFINITY) -
      (b.availability.latencyMs ?? Number.POSITIVE_INFINITY) ||
    byCost(a, b)
  );
}

function weightedOrder(inputs: readonly RankingInput[], weights: RankingWeights): RankingInput[] {
  const costWeight = weights.cost ?? 0.5;
  const availabilityWeight = weights.availability ?? 0.4;
  const latencyWeight = weights.latency ?? 0.1;
  let maxCost = 0;
  let maxLatency = 0;
  for (const input of inputs) {
    maxCost = Math.max(maxCost, input.estimatedCostUsd);
    maxLatency = Math.max(maxLatency, input.availability.latencyMs ?? 0);
  }
  const scores = new Map<RankingInput, number>();
  for (const input of inputs) {
    const cost = maxCost > 0 ? input.estimatedCostUsd / maxCost : 0;
    // Unknown latency counts as average, so new candidates are neither favoured nor punished.
    const latency = maxLatency > 0 ? (input.availability.latencyMs ?? maxLatency / 2) / maxLatency : 0;
    scores.set(
      input,
      costWeight * cost + availabilityWeight * (1 - availabilityScore(input)) + latencyWeight * latency,
    );
  }
  return [...inputs].sort((a, b) => (scores.get(a) ?? 0) - (scores.get(b) ?? 0) || byCost(a, b));
}

/**
 * Orders candidates for one call. Pure: the same inputs always give the same order, and nothing
 * outside the arguments is read.
 */
export function rankCandidates(inputs: readonly RankingInput[], policy: RankingPolicy): RankingInput[] {
  if (typeof policy === 'function') return rankWithFunction(inputs, policy);
  if (policy === 'cheapest') return [...inputs].sort(byCost);
  if (policy === 'available') return [...inputs].sort(byAvailability);
  return weightedOrder(inputs, policy.weights);
}

function rankingError(problem: string, cause?: unknown): InvalidSettingsError {
  return new InvalidSettingsError({
    factory: 'createRouter',
    issues: [
      {
        setting: 'ranking',
        problem: `${problem}; expected an array of the inputs it was given (or copies), each at most once, in the order to try them`,
      },
    ],
    cause,
  });
}

/**
 * Your own ranking function's order, checked: anything but a subset of its inputs (each at most
 * once) is a typed error naming the setting, not a TypeError further down the call.
 */
function rankWithFunction(inputs: readonly RankingInput[], policy: RankingFunction): RankingInput[] {
  let ranked: unknown;
  try {
    ranked = policy(inputs);
  } catch (error) {
    throw rankingError('the ranking function threw', error);
  }
  if (!Array.isArray(ranked))
    throw rankingError(`the ranking function returned ${ranked === null ? 'null' : typeof ranked}`);
  // Checked before iterating: a sparse array of length 2^32 - 1 would take minutes to walk.
  if (ranked.length > inputs.length)
    throw rankingError(`the ranking function returned ${ranked.length} entries for ${inputs.length} inputs`);
  // By candidate, not by identity: a function may return copies of its inputs.
  const given = new Set<unknown>();
  for (const input of inputs) given.add(input.candidate);
  const order: RankingInput[] = [];
  for (let index = 0; index < ranked.length; index++) {
    const entry: unknown = ranked[index];
    const candidate =
      typeof entry === 'object' && entry !== null ? (entry as { candidate?: unknown }).candidate : undefined;
    if (!given.has(candidate))
      throw rankingError(
        `the ranking function returned, at [${index}], a value that is not one of its inputs (or one already returned)`,
      );
    given.delete(candidate);
    order.push(entry as RankingInput);
  }
  return order;
}
