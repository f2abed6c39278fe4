/**
 * Consumer projects around the packed package, as a user gets it from the registry: `npm pack`, then
 * `npm install` into an empty directory. Used by test/package/packed-install.test.ts and
 * bench/install-footprint.ts.
 *
 * An install takes seconds to a minute, so projects are kept under os.tmpdir(), keyed by what they
 * install (their own dependencies and the package's): a later run only replaces the package's files
 * with the new tarball's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Where projects and tarballs are kept between runs. */
export const CACHE_DIR = join(tmpdir(), 'llm-router-packed-projects');

/** The version of a dev dependency this repository tests with, e.g. `openai@^7.57.0`. */
export function tested(name: string): string {
  const range = PACKAGE.devDependencies[name];
  if (!range) throw new Error(`${name} is not a devDependency of ${PACKAGE.name}`);
  return `${name}@${range}`;
}

/** The optional packages BYOK may need. */
export const BYOK_PACKAGES = ['@infisical/sdk', '@anthropic-ai/sdk', 'openai'] as const;
/** The optional peers of the other subpaths. */
export const SUBPATH_PACKAGES = [
  'redis',
  'ioredis',
  'pg',
  '@opentelemetry/api',
  'ai',
  '@ai-sdk/provider',
] as const;

function npm(args: readonly string[], cwd: string): string {
  return execFileSync('npm', [...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
}

/** Packs the built package (run `npm run build` first) and returns the tarball's path. */
export function packPackage(): string {
  if (!existsSync(join(ROOT, 'dist', 'index.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const destination = join(CACHE_DIR, 'tarballs');
  mkdirSync(destination, { recursive: true });
  const [packed] = JSON.parse(
    npm(['pack', '--json', '--ignore-scripts', '--pack-destination', destination], ROOT),
  ) as {
    filename: string;
  }[];
  if (!packed) throw new Error('npm pack printed nothing');
  return join(destination, packed.filename);
}

/** A consumer project with the packed package installed. */
export interface PackedProject {
  readonly dir: string;
  /** Whether the install was reused from an earlier run. */
  readonly reused: boolean;
}

/**
 * A project in which `npm install <tarball> ...packages` has run. Reused when the same packages and
 * the same dependencies of ours were installed before; the package's own files are then replaced
 * by the tarball's.
 */
export function installProject(name: string, tarball: string, packages: readonly string[]): PackedProject {
  const key = createHash('sha256')
    .update(JSON.stringify({ packages, dependencies: PACKAGE.dependencies, node: process.version }))
    .digest('hex')
    .slice(0, 12);
  const dir = join(CACHE_DIR, `${name}-${key}`);
  const installed = join(dir, '.installed');
  const packageDir = join(dir, 'node_modules', ...PACKAGE.name.split('/'));
  if (existsSync(installed) && existsSync(packageDir)) {
    rmSync(packageDir, { recursive: true, force: true });
    mkdirSync(packageDir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
    return { dir, reused: true };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, private: true }, null, 2)}\n`,
  );
  npm(['install', '--no-audit', '--no-fund', '--no-package-lock', tarball, ...packages], dir);
  writeFileSync(installed, new Date().toISOString());
  return { dir, reused: false };
}

/** The size of everything under `dir`, symlinks not followed. */
export interface DirectorySize {
  /** Sum of the files' lengths. */
  readonly bytes: number;
  /** Blocks allocated on disk, directories included (what `du` reports). */
  readonly diskBytes: number;
}

/** What `dir` holds: the files' bytes and the space they take on disk. */
export function directorySize(dir: string): DirectorySize {
  let bytes = 0;
  let diskBytes = lstatSync(dir).blocks * 512;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = directorySize(path);
      bytes += inner.bytes;
      diskBytes += inner.diskBytes;
    } else {
      const stat = lstatSync(path);
      bytes += stat.size;
      diskBytes += stat.blocks * 512;
    }
  }
  return { bytes, diskBytes };
}

/** What a script run in a project printed, and how it ended. */
export interface ScriptRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes `source` to `file` in the project and runs it with this Node. */
export function runScript(
  project: PackedProject,
  file: string,
  source: string,
  timeoutMs = 60_000,
): ScriptRun {
  writeFileSync(join(project.dir, file), source);
  const run = spawnSync(process.execPath, [file], { cwd: project.dir, encoding: 'utf8', timeout: timeoutMs });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The package's name, e.g. `@bestviable/llm-router`. */
export const PACKAGE_NAME = PACKAGE.name;
