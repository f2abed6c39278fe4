import { computeCostUsd } from '../catalog/compute-cost.ts';
import { estimateTextTokens } from '../catalog/estimate-tokens.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { RouterError } from '../errors/router-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import type { Cost, TokenUsage } from '../types/chat.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { UsageRecord, UsageStatus } from '../types/usage-record.ts';
import { NANO_USD_PER_USD } from '../usage/money-sum.ts';
import type { CandidateRun } from './candidate-run.ts';
import type { CallPlan } from './plan-call.ts';
import { acceptReportedCost, acceptReportedUsage, type FigureWarning } from './reported-figures.ts';

// The figures and the usage record of a finished call (chat or stream), for success and failure
// alike; `CallObserver` settles and records them.

/**
 * Output tokens estimated from the generated text, never above the call's `maxTokens`: the gateway
 * cannot have billed more, and the budget reservation (`maxTokens` × output price) relies on it.
 */
export function estimateOutputTokens(plan: CallPlan, generated: string): number {
  const estimate = estimateTextTokens(generated);
  const maxTokens = plan.options.maxTokens;
  return maxTokens === undefined ? estimate : Math.min(estimate, maxTokens);
}

/**
 * Token counts as reported, when plausible (`acceptReportedUsage`); else estimated from the prompt
 * and the text, as when the gateway gave none.
 */
export function settleUsage(
  plan: CallPlan,
  reported: TokenUsage | undefined,
  text: string,
  warn: FigureWarning,
): { usage: TokenUsage; estimated: boolean } {
  const accepted = acceptReportedUsage(reported, warn);
  if (accepted) return { usage: accepted, estimated: false };
  const inputTokens = plan.promptTokens;
  const outputTokens = estimateOutputTokens(plan, text);
  return {
    usage: { inputTokens, outputTokens, cachedInputTokens: 0, totalTokens: inputTokens + outputTokens },
    estimated: true,
  };
}

/**
 * The cost of the answering attempt: the gateway's figure when plausible (`acceptReportedCost`),
 * else catalog prices × tokens (estimated when the tokens were), saying whose prices.
 */
export function settleCost(
  candidate: Candidate,
  usage: TokenUsage,
  estimated: boolean,
  reportedUsd: number | undefined,
  warn: FigureWarning,
): Cost {
  const accepted = acceptReportedCost(reportedUsd, warn, 'the answer');
  if (accepted !== undefined) return { usd: accepted, source: 'gateway' };
  return {
    usd: computeCostUsd(candidate.pricing, usage),
    source: estimated ? 'estimated' : 'catalog',
    priceSource: candidate.priceSource,
  };
}

/**
 * The cost of a call: its answer's cost plus what gateways billed for its failed attempts
 * (`billedNanoUsd`, summed in nano-dollars so the ledger matches the gateways' own sums).
 */
export function withBilledFailures(cost: Cost, billedNanoUsd: number): Cost {
  if (billedNanoUsd === 0) return cost;
  return {
    ...cost,
    usd: (Math.round(cost.usd * NANO_USD_PER_USD) + billedNanoUsd) / NANO_USD_PER_USD,
  };
}

/**
 * The usage record of a call that failed: the last route tried, no tokens, and as cost what the
 * gateways billed for its failed attempts (`gateway`), else zero (`none`).
 */
export function failureRecord(
  plan: CallPlan,
  error: RouterError,
  attempts: readonly Attempt[],
  lastRoute: Route | undefined,
  finishedAt: number,
  stream: boolean,
  billedNanoUsd = 0,
): UsageRecord {
  const lastError = [...attempts].reverse().find((attempt) => attempt.error)?.error;
  const name = error.name;
  const status: UsageStatus = name === 'CallAbortedError' ? 'aborted' : 'error';
  const errorKind =
    name === 'NoCandidatesError'
      ? 'no-candidates'
      : name === 'CallTimeoutError'
        ? 'timeout'
        : GatewayError.isInstance(lastError)
          ? lastError.kind
          : undefined;
  return {
    id: plan.recordId,
    callId: plan.callId,
    startedAt: plan.startedAt,
    finishedAt,
    user: plan.options.user,
    keyId: lastRoute?.keyId,
    provider: lastRoute?.provider,
    model: lastRoute?.model,
    gateway: lastRoute?.gateway,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    costUsd: billedNanoUsd / NANO_USD_PER_USD,
    costSource: billedNanoUsd > 0 ? 'gateway' : 'none',
    latencyMs: finishedAt - plan.startedAt,
    timeToFirstTokenMs: undefined,
    attempts: attempts.length,
    fallback: attempts.length > 1,
    tags: plan.options.tags ?? [],
    status,
    errorKind,
    stream,
    ...(lastRoute?.byokFallback ? { byokFallback: lastRoute.byokFallback } : {}),
  };
}

/** The usage record of a call that reached a candidate: complete, aborted or broken part-way. */
export function successRecord(
  plan: CallPlan,
  run: Pick<CandidateRun<unknown>, 'route' | 'attempts' | 'fallback'>,
  usage: TokenUsage,
  cost: Cost,
  finishedAt: number,
  timeToFirstTokenMs: number | undefined,
  status: UsageStatus,
  stream: boolean,
  errorKind?: UsageRecord['errorKind'],
): UsageRecord {
  const { route } = run;
  return {
    id: plan.recordId,
    callId: plan.callId,
    startedAt: plan.startedAt,
    finishedAt,
    user: plan.options.user,
    keyId: route.keyId,
    provider: route.provider,
    model: route.model,
    gateway: route.gateway,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: usage.cachedInputTokens,
    costUsd: cost.usd,
    costSource: cost.source,
    ...(cost.priceSource ? { priceSource: cost.priceSource } : {}),
    latencyMs: finishedAt - plan.startedAt,
    timeToFirstTokenMs,
    attempts: run.attempts.length,
    fallback: run.fallback,
    tags: plan.options.tags ?? [],
    status,
    errorKind,
    stream,
    ...(route.byokFallback ? { byokFallback: route.byokFallback } : {}),
  };
}
