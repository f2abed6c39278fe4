import { defineLimit } from '../types/limit-names.ts';
import type { LimitStoreDenial } from '../types/limit-store.ts';
import { fromMicroUsd } from './micro-usd.ts';
import type { LimitDenial } from './rate-limiter.ts';

function rank(denial: LimitDenial): number {
  return denial.tooLarge ? 2 : denial.kind === 'quota' ? 1 : 0;
}

/** The denial to report: one waiting cannot fix (too large, then a quota) first, then the one that frees up last. */
export function bindingDenial(denials: readonly LimitDenial[]): LimitDenial {
  let chosen = denials[0] as LimitDenial;
  for (const denial of denials) {
    const better = rank(denial) - rank(chosen) || denial.retryAfterMs - chosen.retryAfterMs;
    if (better > 0) chosen = denial;
  }
  return chosen;
}

/** A store's denial in public units (USD for budgets), with its kind, wait and whether the call can ever fit. */
export function toLimitDenial(denial: LimitStoreDenial, nowMs: number): LimitDenial {
  const { kind, unit, period } = defineLimit(denial.limit);
  const toUnit = unit === 'usd' ? fromMicroUsd : (amount: number) => amount;
  return {
    scope: denial.scope,
    limit: denial.limit,
    kind,
    unit,
    used: toUnit(denial.used),
    reserved: toUnit(denial.reserved),
    size: toUnit(denial.size),
    requested: toUnit(denial.requested),
    retryAfterMs: Math.max(0, denial.untilMs - nowMs),
    resetsAt: denial.untilMs,
    tooLarge: period !== undefined && denial.requested > denial.size,
  };
}
