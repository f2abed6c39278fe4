import type { TokenUsage } from '../types/chat.ts';
import { MAX_REPORTED_COST_USD, MAX_REPORTED_TOKENS } from '../usage/figure-ranges.ts';

/** Logs why a reported figure was ignored (the router's logger, with the call id). */
export type FigureWarning = (message: string) => void;

function tokenProblem(name: string, value: number): string | undefined {
  if (Number.isSafeInteger(value) && value >= 0 && value <= MAX_REPORTED_TOKENS) return undefined;
  return `${name} ${value} is not a whole number from 0 to ${MAX_REPORTED_TOKENS}`;
}

/**
 * The token counts a gateway reported, when they are plausible: whole numbers from 0 to
 * `MAX_REPORTED_TOKENS`. Otherwise `undefined` (the caller estimates them instead) and a warning.
 * Cached input is capped at the input; the total is input + output.
 */
export function acceptReportedUsage(
  usage: TokenUsage | undefined,
  warn: FigureWarning,
): TokenUsage | undefined {
  if (!usage) return undefined;
  const problem =
    tokenProblem('inputTokens', usage.inputTokens) ??
    tokenProblem('outputTokens', usage.outputTokens) ??
    tokenProblem('cachedInputTokens', usage.cachedInputTokens);
  if (problem) {
    warn(`ignored the token counts the gateway reported (${problem}); tokens are estimated instead`);
    return undefined;
  }
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedInputTokens: Math.min(usage.cachedInputTokens, usage.inputTokens),
    totalTokens: usage.inputTokens + usage.outputTokens,
  };
}

/**
 * A cost a gateway reported, when it is plausible: a finite number from 0 to
 * `MAX_REPORTED_COST_USD`. Otherwise `undefined` and a warning naming `what` it was for.
 */
export function acceptReportedCost(
  usd: number | undefined,
  warn: FigureWarning,
  what: string,
): number | undefined {
  if (usd === undefined) return undefined;
  if (typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 && usd <= MAX_REPORTED_COST_USD) return usd;
  warn(
    `ignored the cost the gateway reported for ${what} (${String(usd)} is not a USD amount from 0 to ${MAX_REPORTED_COST_USD})`,
  );
  return undefined;
}
