/** Micro-dollars in one US dollar. Budgets are counted in whole micro-dollars so sums never drift. */
export const MICRO_USD_PER_USD = 1_000_000;

/** USD to whole micro-dollars, rounded to the nearest (`0.1 + 0.2` USD is exactly 300,000). */
export function toMicroUsd(usd: number): number {
  return Math.round(usd * MICRO_USD_PER_USD);
}

/** Whole micro-dollars back to USD, for reports. */
export function fromMicroUsd(microUsd: number): number {
  return microUsd / MICRO_USD_PER_USD;
}

/**
 * USD to whole micro-dollars, rounded up from the whole nano-dollars the usage ledger records. What
 * a call reserves or settles is never below the ledger's figure for it, so the sum of a window's
 * ledger costs never exceeds what its counter allows.
 */
export function toMicroUsdUp(usd: number): number {
  return Math.ceil(Math.round(usd * 1_000_000_000) / 1_000);
}

/** A budget in whole micro-dollars, rounded down (from whole nano-dollars): the counter never allows more than the budget. */
export function toMicroUsdDown(usd: number): number {
  return Math.floor(Math.round(usd * 1_000_000_000) / 1_000);
}
