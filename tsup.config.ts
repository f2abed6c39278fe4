import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const library: Options = {
  entry: {
    index: 'src/index.ts',
    'keys/index': 'src/keys/index.ts',
    'usage/index': 'src/usage/index.ts',
    'limits/index': 'src/limits/index.ts',
    'catalog/index': 'src/catalog/index.ts',
    'testing/index': 'src/testing/index.ts',
    'redis/index': 'src/redis/index.ts',
    'postgres/index': 'src/postgres/index.ts',
    'otel/index': 'src/otel/index.ts',
    'ai-sdk/index': 'src/ai-sdk/index.ts',
    'openai/index': 'src/openai-compat/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  // dist/cli.js is written by the `cli` build below, in parallel: keep it.
  clean: ['!cli.js', '!cli.js.map'],
  sourcemap: true,
  target: 'node22',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // p-retry and eventsource-parser are ESM-only; bundling them keeps the CommonJS build loadable
  // on every Node 22 release, including those without require(esm). zod/mini is bundled so that
  // only the checks the settings use are loaded: tree-shaken it is about 50 KB and loads in under
  // 10 ms, where importing zod from node_modules costs about 80 ms at start-up.
  noExternal: ['p-retry', 'is-network-error', 'eventsource-parser', /^zod(\/|$)/],
};

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// The `llm-router` bin: ESM only, one file, importing the package by its own name (dist/index.js)
// exactly as a user's script would; the #! line of src/cli/main.ts is kept and the file made executable.
const cli: Options = {
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  dts: false,
  clean: false,
  sourcemap: true,
  target: 'node22',
  platform: 'node',
  splitting: false,
  external: [/^@bestviable\/llm-router(\/|$)/],
  define: { LLM_ROUTER_VERSION: JSON.stringify(version) },
};

export default defineConfig([library, cli]);
