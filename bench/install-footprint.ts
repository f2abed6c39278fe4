/**
 * Install footprint and cold import time of the packed package (issue 15), as a user gets it:
 * `npm pack`, then `npm install` into empty projects kept under os.tmpdir() between runs.
 *
 * - routing-only: the tarball alone (what `npm install @bestviable/llm-router` brings);
 * - BYOK: + @infisical/sdk, @anthropic-ai/sdk, openai (the Infisical cipher and key checks);
 * - all: + the other subpaths' peers (redis, ioredis, pg, @opentelemetry/api, ai, @ai-sdk/provider).
 *
 * Each entry point is imported in fresh processes (median of FOOTPRINT_RUNS, default 5), timed
 * inside the process around `import()` (Node's own start-up, about 40 ms, is left out), in the
 * routing-only project when it loads there, otherwise in the `all` project, saying what it needs.
 *
 * Run with `npm run bench:footprint` (after `npm run build`); `npm run bench` runs it last.
 */
import { spawnSync } from 'node:child_process';
import {
  BYOK_PACKAGES,
  directorySize,
  installProject,
  PACKAGE_NAME,
  type PackedProject,
  packPackage,
  SUBPATH_PACKAGES,
  tested,
} from '../test/package/packed-projects.ts';

const RUNS = Number(process.env.FOOTPRINT_RUNS ?? 5);
const ENTRIES = ['.', '/testing', '/redis', '/postgres', '/otel', '/ai-sdk', '/openai'] as const;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

type Timing =
  | { readonly ms: number; readonly cpuMs: number }
  | { readonly missing: string }
  | { readonly failed: string };

/** Imports `specifier` in a fresh process; the milliseconds `import()` (or `require()`) took. */
function importOnce(project: PackedProject, specifier: string, kind: 'import' | 'require'): Timing {
  const load =
    kind === 'import'
      ? `await import(${JSON.stringify(specifier)})`
      : `require(${JSON.stringify(specifier)})`;
  // Wall time, and CPU time of the process (less disturbed by other work on a shared machine).
  const script = `const start = performance.now(); const cpu = process.cpuUsage(); ${load}; const used = process.cpuUsage(cpu); console.log(performance.now() - start, (used.user + used.system) / 1000);`;
  const run = spawnSync(
    process.execPath,
    [...(kind === 'import' ? ['--input-type=module'] : []), '-e', script],
    {
      cwd: project.dir,
      encoding: 'utf8',
    },
  );
  if (run.status === 0) {
    const [ms, cpuMs] = run.stdout.trim().split(' ').map(Number);
    return { ms: ms as number, cpuMs: cpuMs as number };
  }
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(run.stderr)?.[1];
  if (missing) return { missing };
  return { failed: run.stderr.trim().split('\n').slice(0, 3).join(' ') };
}

function importTime(
  project: PackedProject,
  specifier: string,
  kind: 'import' | 'require' = 'import',
): Timing {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const timing = importOnce(project, specifier, kind);
    if (!('ms' in timing)) return timing;
    times.push(timing.ms);
    cpuTimes.push(timing.cpuMs);
  }
  return { ms: median(times), cpuMs: median(cpuTimes) };
}

const started = performance.now();
const tarball = packPackage();
const projects = {
  'routing-only': installProject('routing-only', tarball, []),
  BYOK: installProject(
    'byok',
    tarball,
    BYOK_PACKAGES.map((name) => tested(name)),
  ),
  all: installProject(
    'all',
    tarball,
    [...BYOK_PACKAGES, ...SUBPATH_PACKAGES].map((name) => tested(name)),
  ),
};

console.log(
  `\nInstall footprint of ${PACKAGE_NAME} (npm pack → npm install into an empty project; Node ${process.version})`,
);
console.log('project        node_modules (files / on disk)   packages installed');
for (const [name, project] of Object.entries(projects)) {
  const extra =
    name === 'routing-only'
      ? 'the tarball'
      : name === 'BYOK'
        ? `+ ${BYOK_PACKAGES.join(', ')}`
        : `+ ${SUBPATH_PACKAGES.join(', ')}`;
  const size = directorySize(`${project.dir}/node_modules`);
  console.log(
    `${name.padEnd(14)} ${megabytes(size.bytes).padStart(10)} / ${megabytes(size.diskBytes).padStart(8)}           ${extra}`,
  );
}

console.log(`\nCold import, median of ${RUNS} fresh processes (time inside the process around import())`);
console.log('entry                       wall ms   CPU ms   where');
const rows: [string, Timing, string][] = [];
for (const entry of ENTRIES) {
  const specifier = entry === '.' ? PACKAGE_NAME : `${PACKAGE_NAME}${entry}`;
  let timing = importTime(projects['routing-only'], specifier);
  let where = 'routing-only';
  if ('missing' in timing) {
    where = `all (needs ${timing.missing})`;
    timing = importTime(projects.all, specifier);
  }
  rows.push([entry, timing, where]);
}
// For scale, on the same machine at the same moment: the heavy packages on their own.
for (const name of ['zod', 'openai', '@anthropic-ai/sdk', '@infisical/sdk'] as const) {
  rows.push([`${name} (reference)`, importTime(projects.all, name), 'all']);
}
const rootRequire = importTime(projects['routing-only'], PACKAGE_NAME, 'require');
if ('missing' in rootRequire) {
  rows.push([
    '. (require)',
    importTime(projects.all, PACKAGE_NAME, 'require'),
    `all (needs ${rootRequire.missing})`,
  ]);
} else {
  rows.push(['. (require)', rootRequire, 'routing-only']);
}
for (const [entry, timing, where] of rows) {
  const figure =
    'ms' in timing
      ? `${timing.ms.toFixed(0).padStart(8)} ${timing.cpuMs.toFixed(0).padStart(8)}`
      : ('missing' in timing ? `needs ${timing.missing}` : `failed: ${timing.failed}`).padStart(17);
  console.log(`${entry.padEnd(28)}${figure}   ${where}`);
}
console.log(
  `\n(${((performance.now() - started) / 1000).toFixed(0)} s; projects under ${projects.all.dir.replace(/\/[^/]+$/, '')})`,
);
