import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

// The script a consumer would write, run against the built package through its `exports` map
// (self-reference by package name resolves to dist/, exactly as for an installed dependency).
const body = (load: string) => `
${load}
const server = await testing.startLiteLLMServer();
const router = main.createRouter({ logger: false, gateways: { litellm: { baseURL: server.baseURL } } });
const reply = await router.chat({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'from dist' }] });
let invalid = 'none';
try { main.createRouter({ retry: { maxRetries: -1 } }); } catch (error) { invalid = main.InvalidSettingsError.isInstance(error) ? error.issues[0].setting : 'wrong error'; }
console.log(JSON.stringify({ text: reply.text, gateway: reply.route.gateway, invalid, date: main.DEFAULT_CATALOG_DATE }));
await router.close();
await server.close();
`;

describe('the built package', () => {
  test('dist exists (npm test builds it first)', () => {
    expect(existsSync(`${root}/dist/index.js`) && existsSync(`${root}/dist/index.cjs`)).toBe(true);
  });

  test.each([
    [
      'import',
      'mjs',
      "const main = await import('@bestviable/llm-router'); const testing = await import('@bestviable/llm-router/testing');",
    ],
    [
      'require',
      'cjs',
      "const main = require('@bestviable/llm-router'); const testing = require('@bestviable/llm-router/testing'); (async () => {",
    ],
  ])('loads with %s and routes a call', async (_how, kind, load) => {
    const script =
      kind === 'cjs'
        ? `${body(load)}})().catch((error) => { console.error(error); process.exit(1); });`
        : body(load);
    const args = kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args, { cwd: root });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toEqual({
      text: 'echo: from dist',
      gateway: 'litellm',
      invalid: 'retry.maxRetries',
      date: expect.any(String),
    });
  });
});

// `@bestviable/llm-router/otel`, loaded like the other subpaths, against the real OpenTelemetry SDK.
const otelBody = (load: string) => `
${load}
const server = await testing.startLiteLLMServer();
const router = main.createRouter({ logger: false, gateways: { litellm: { baseURL: server.baseURL } } });
const exporter = new sdk.InMemorySpanExporter();
const provider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
const instrumentation = otel.instrumentRouter(router, { tracerProvider: provider, metrics: false });
await router.chat({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'traced' }] });
instrumentation.disable();
let invalid = 'none';
try { otel.instrumentRouter(router, { tracerProvider: {} }); } catch (error) { invalid = main.InvalidSettingsError.isInstance(error) ? error.issues[0].setting : 'wrong error'; }
const spans = exporter.getFinishedSpans();
console.log(JSON.stringify({
  names: spans.map((span) => span.name),
  provider: spans.map((span) => span.attributes['gen_ai.provider.name']),
  invalid,
  listeners: router.listenerCount('call-start'),
  namespace: otel.LLM_ROUTER.callId,
}));
await router.close();
await server.close();
`;

describe('the built otel subpath', () => {
  test.each([
    [
      'import',
      'mjs',
      "const main = await import('@bestviable/llm-router'); const testing = await import('@bestviable/llm-router/testing'); const otel = await import('@bestviable/llm-router/otel'); const sdk = await import('@opentelemetry/sdk-trace-base');",
    ],
    [
      'require',
      'cjs',
      "const main = require('@bestviable/llm-router'); const testing = require('@bestviable/llm-router/testing'); const otel = require('@bestviable/llm-router/otel'); const sdk = require('@opentelemetry/sdk-trace-base'); (async () => {",
    ],
  ])('loads with %s and traces a call', async (_how, kind, load) => {
    const script =
      kind === 'cjs'
        ? `${otelBody(load)}})().catch((error) => { console.error(error); process.exit(1); });`
        : otelBody(load);
    const args = kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args, { cwd: root });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toEqual({
      names: ['chat openai/gpt-5.4-mini', 'chat openai/gpt-5.4-mini'], // the attempt, then the call
      provider: ['openai', 'openai'],
      invalid: 'tracerProvider',
      listeners: 0,
      namespace: 'llm_router.call_id',
    });
  });

  test.each([
    ['index.js', /from ['"](\.[^'"]+)['"]|import ['"](\.[^'"]+)['"]/g],
    ['index.cjs', /require\(['"](\.[^'"]+)['"]\)/g],
  ])('the root entry (%s) and the chunks it loads never load OpenTelemetry', async (entry, pattern) => {
    const { readFileSync } = await import('node:fs');
    const { dirname, join, normalize } = await import('node:path');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(root, 'dist', file), 'utf8');
      expect(code, `dist/${file} mentions @opentelemetry`).not.toMatch(/@opentelemetry\//);
      for (const match of code.matchAll(pattern))
        visit(normalize(join(dirname(file), match[1] ?? match[2] ?? '')));
    };
    visit(entry);
    expect(seen.size).toBeGreaterThan(1);
    expect(readFileSync(join(root, 'dist/otel', entry), 'utf8')).toMatch(/@opentelemetry\/api/);
  });
});
