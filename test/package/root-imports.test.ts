import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './packed-projects.ts';

// What an application that only routes loads: the root entry and every chunk it imports statically,
// in both builds (run after `npm run build`, as `npm test` does). The optional SDKs may only appear
// behind a dynamic import(), loaded when the feature that needs them is used.

const OPTIONAL_SDKS = ['@infisical/sdk', '@anthropic-ai/sdk', 'openai'];

/** The bare specifiers `file` and the chunks it statically imports load at module level. */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  const specifiers = [
    ...code.matchAll(/^(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/^import\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/(?<![.\w])require\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((match) => match[1] as string);
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) {
      for (const inner of staticImports(join(dirname(file), specifier), seen)) found.add(inner);
    } else {
      found.add(specifier);
    }
  }
  return found;
}

describe.each(['index.js', 'index.cjs'])('dist/%s', (entry) => {
  const file = join(ROOT, 'dist', entry);

  it.skipIf(!existsSync(file))('loads none of the optional SDKs at module level', () => {
    const loaded = [...staticImports(file)];
    expect(loaded).toContain('eventemitter3'); // the scan does find what is imported
    expect(loaded.filter((specifier) => OPTIONAL_SDKS.includes(specifier))).toEqual([]);
  });
});

// The entries by purpose (`/keys`, `/usage`, `/limits`, `/catalog`) are loaded beside the root by
// applications that only route too: they may not pull an optional SDK in at module level either.
describe.each(
  ['keys', 'usage', 'limits', 'catalog'].flatMap((path) => [`${path}/index.js`, `${path}/index.cjs`]),
)('dist/%s', (entry) => {
  const file = join(ROOT, 'dist', entry);

  it.skipIf(!existsSync(join(ROOT, 'dist')))(
    'exists and loads none of the optional SDKs at module level',
    () => {
      expect(existsSync(file)).toBe(true);
      const loaded = [...staticImports(file)];
      expect(loaded.filter((specifier) => OPTIONAL_SDKS.includes(specifier))).toEqual([]);
    },
  );
});

// zod/mini, p-retry and eventsource-parser are bundled into dist and are only devDependencies: a
// built file that still imported one would fail in every application that installs the package.
describe('every built file', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    name: string;
  };
  const allowed = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    manifest.name,
  ]);
  const packageOf = (specifier: string) =>
    specifier.startsWith('@')
      ? specifier.split('/').slice(0, 2).join('/')
      : (specifier.split('/')[0] as string);
  const isBuiltin = (specifier: string) =>
    specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));
  const dist = join(ROOT, 'dist');

  it.skipIf(!existsSync(dist))('imports only dependencies, peer dependencies and Node built-ins', () => {
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((name) =>
      /\.(c|m)?js$/.test(name),
    );
    expect(files.length).toBeGreaterThan(10);
    const strays = new Set<string>();
    for (const name of files)
      for (const specifier of staticImports(join(dist, name)))
        if (!isBuiltin(specifier) && !allowed.has(packageOf(specifier))) strays.add(`${name}: ${specifier}`);
    expect([...strays]).toEqual([]);
  });
});
