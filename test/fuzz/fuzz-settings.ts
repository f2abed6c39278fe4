// One seed and one size for every property-based suite. `npm test` runs them with a fixed seed and a
// bounded number of cases; `npm run fuzz` runs them longer with any seed (FUZZ_SEED, FUZZ_RUNS), and
// fast-check prints the seed and the path of any failure so that it can be replayed.

/** Seed of every property; fixed under `npm test`, random under `npm run fuzz` unless FUZZ_SEED is set. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261129);

/**
 * Cases per property: `base` under `npm test`, FUZZ_RUNS (or 20 × base) under `npm run fuzz`.
 * Keep `base` so that all the property suites together stay well under a minute.
 */
export function fuzzRuns(base: number): number {
  if (process.env.FUZZ_RUNS) return Number(process.env.FUZZ_RUNS);
  return process.env.FUZZ_LONG === '1' ? base * 20 : base;
}

/** fast-check parameters for one property. */
export function fuzzParameters(base: number): { seed: number; numRuns: number; endOnFailure: true } {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(base), endOnFailure: true };
}

if (process.env.FUZZ_LONG === '1')
  // biome-ignore lint/suspicious/noConsole: npm run fuzz prints its seed so that a failure can be replayed.
  console.info(`fuzz seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED} npm run fuzz)`);
