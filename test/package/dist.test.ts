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
