/**
 * npm run soak: a bounded fault-injection run (20,000 calls by default; SOAK_CALLS to change). It
 * stops by itself, prints what happened, and exits non-zero when any of the router's promises
 * broke (see bench/soak-run.ts for the list it checks).
 */
import { runSoak } from './soak-run.ts';

const calls = Number(process.env.SOAK_CALLS ?? 20_000);
console.log(
  `llm-router soak: ${calls} calls, chat and stream, faults on both gateways (node ${process.version})`,
);
const report = await runSoak({ calls, concurrency: 64, log: console.log });
console.log(`\nfinished in ${(report.durationMs / 1000).toFixed(1)} s`);
console.log('outcomes:', report.outcomes);
console.log('figures:', report.figures);
if (report.violations.length === 0) {
  console.log(
    '\nall checks held: every call settled with a result or a typed error, one usage record per call, ledger cost = upstream-reported cost, budget kept, breakers opened and closed, no key leaked',
  );
} else {
  console.log(`\n${report.violations.length} violation(s):`);
  for (const violation of report.violations.slice(0, 50)) console.log(`  - ${violation}`);
  process.exitCode = 1;
}
