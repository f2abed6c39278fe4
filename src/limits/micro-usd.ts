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
