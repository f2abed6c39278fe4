import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'redis/index': 'src/redis/index.ts',
    'postgres/index': 'src/postgres/index.ts',
    'otel/index': 'src/otel/index.ts',
    'ai-sdk/index': 'src/ai-sdk/index.ts',
    'openai/index': 'src/openai-compat/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // p-retry is ESM-only; bundling it keeps the CommonJS build loadable on every Node 22 release,
  // including those without require(esm).
  noExternal: ['p-retry', 'is-network-error'],
});
