/**
 * The `percent`-th percentile of values sorted ascending, by the nearest-rank method: the value at
 * 1-based rank `ceil(percent / 100 × n)`. Exact (always one of the values, no interpolation);
 * `null` for no values.
 *
 * @example
 * nearestRankPercentile(Float64Array.of(1, 2, ..., 20), 95); // 19
 */
export function nearestRankPercentile(sortedAscending: ArrayLike<number>, percent: number): number | null {
  const count = sortedAscending.length;
  if (count === 0) return null;
  // Integer arithmetic first (95 × 20 / 100 = 19 exactly), where 0.95 × 20 would round to 19.000…04.
  const rank = Math.max(1, Math.ceil((percent * count) / 100));
  return sortedAscending[Math.min(rank, count) - 1] ?? null;
}
