import { existsSync, readFileSync } from 'node:fs';
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
    expect(loaded).toContain('zod'); // the scan does find what is imported
    expect(loaded.filter((specifier) => OPTIONAL_SDKS.includes(specifier))).toEqual([]);
  });
});
