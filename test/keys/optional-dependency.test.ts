import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../../src/errors/missing-dependency-error.ts';
import { importOptional, isPackageNotFound, resolveOptional } from '../../src/keys/optional-dependency.ts';

// The errors Node really gives: a project where `present-pkg` is installed but imports
// `absent-dep`, which is not, and `absent-pkg` is not installed at all.
let project: string;
let esmErrors: Record<string, { code: string; message: string }>;
let requireFromProject: NodeJS.Require;

const DEPENDENCY = { packageName: 'absent-pkg', versionRange: '^1.2' };

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'optional-dependency-'));
  const present = join(project, 'node_modules', 'present-pkg');
  mkdirSync(present, { recursive: true });
  writeFileSync(join(present, 'package.json'), '{ "name": "present-pkg", "main": "index.js" }');
  writeFileSync(join(present, 'index.js'), "module.exports = require('absent-dep');");
  writeFileSync(
    join(project, 'probe.mjs'),
    `const errors = {};
for (const name of ['absent-pkg', 'present-pkg', 'absent-pkg-extra']) {
  await import(name).catch((error) => { errors[name] = { code: error.code, message: error.message }; });
}
console.log(JSON.stringify(errors));`,
  );
  const run = spawnSync(process.execPath, ['probe.mjs'], { cwd: project, encoding: 'utf8' });
  esmErrors = JSON.parse(run.stdout);
  requireFromProject = createRequire(join(project, 'probe.mjs'));
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

function requireError(name: string): unknown {
  try {
    requireFromProject(name);
  } catch (error) {
    return error;
  }
  throw new Error(`${name} loaded`);
}

describe('isPackageNotFound', () => {
  it('recognises the package itself missing, for import() and require()', () => {
    expect(esmErrors['absent-pkg']?.code).toBe('ERR_MODULE_NOT_FOUND');
    expect(isPackageNotFound(esmErrors['absent-pkg'], 'absent-pkg')).toBe(true);
    expect(isPackageNotFound(requireError('absent-pkg'), 'absent-pkg')).toBe(true);
  });

  it('does not take a missing dependency of an installed package for the package missing', () => {
    expect(esmErrors['present-pkg']?.message).toContain('absent-dep');
    expect(isPackageNotFound(esmErrors['present-pkg'], 'present-pkg')).toBe(false);
    expect(isPackageNotFound(requireError('present-pkg'), 'present-pkg')).toBe(false);
  });

  it('does not match a package whose name only starts with the same letters', () => {
    expect(isPackageNotFound(esmErrors['absent-pkg-extra'], 'absent-pkg')).toBe(false);
    expect(isPackageNotFound(requireError('absent-pkg-extra'), 'absent-pkg')).toBe(false);
  });

  it('ignores errors of other kinds', () => {
    expect(isPackageNotFound(new Error("Cannot find package 'absent-pkg'"), 'absent-pkg')).toBe(false);
    expect(isPackageNotFound(undefined, 'absent-pkg')).toBe(false);
  });
});

describe('importOptional and resolveOptional', () => {
  it('turn a missing package into MissingDependencyError naming the package, the feature and the command', async () => {
    const cause = requireError('absent-pkg');
    const error = await importOptional(DEPENDENCY, 'Frobbing', () => Promise.reject(cause)).catch((e) => e);
    expect(MissingDependencyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'MissingDependencyError',
      packageName: 'absent-pkg',
      feature: 'Frobbing',
      isRetryable: false,
      message: 'Frobbing needs the optional package `absent-pkg`: npm i absent-pkg@^1.2',
      cause,
    });
    expect(() =>
      resolveOptional(DEPENDENCY, 'Frobbing', () => {
        throw cause;
      }),
    ).toThrow(MissingDependencyError);
  });

  it('rethrow any other failure unchanged', async () => {
    const broken = requireError('present-pkg');
    await expect(
      importOptional({ ...DEPENDENCY, packageName: 'present-pkg' }, 'Frobbing', () => Promise.reject(broken)),
    ).rejects.toBe(broken);
    const thrown = new SyntaxError('Unexpected token');
    await expect(importOptional(DEPENDENCY, 'Frobbing', () => Promise.reject(thrown))).rejects.toBe(thrown);
  });

  it('return what loads', async () => {
    await expect(importOptional(DEPENDENCY, 'Frobbing', async () => 42)).resolves.toBe(42);
    expect(resolveOptional(DEPENDENCY, 'Frobbing', (name) => `file:///${name}`)).toBe('file:///absent-pkg');
  });
});
