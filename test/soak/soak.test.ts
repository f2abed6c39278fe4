import { expect, test } from 'vitest';
import { runSoak } from '../../bench/soak-run.ts';

// The soak run's guarantees, at a size CI can afford on every push (npm run soak runs 20,000+).
// It runs on real time: the faults, outages and timeouts are real, and every check is an invariant
// that holds whatever the timing (see bench/soak-run.ts).
test('soak: under random faults every call settles, is recorded once, costs reconcile, no key leaks', async () => {
  const report = await runSoak({ calls: 1_500, concurrency: 32 });
  expect(report.violations).toEqual([]);
  expect(report.outcomes.ok).toBeGreaterThan(500);
  expect(Object.values(report.outcomes).reduce((sum, count) => sum + count, 0)).toBe(1_500);
}, 120_000);
