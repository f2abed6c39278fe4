import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { DATABASE_URL, describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool({ max: 1 });
const schema = uniqueSchema('package');
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

// What a user writes, run against the built package through its exports map (npm test builds first).
const body = (prefix: string) => `
const pool = new pg.Pool({ connectionString: ${JSON.stringify(DATABASE_URL)}, max: 2 });
const usage = postgres.createPostgresUsageTracker({ pool, schema: ${JSON.stringify(schema)}, tablePrefix: '${prefix}' });
const keys = postgres.createPostgresKeyRecordStore({ pool, schema: ${JSON.stringify(schema)}, tablePrefix: '${prefix}' });
const server = await testing.startLiteLLMServer();
const router = main.createRouter({ logger: false, usage, gateways: { litellm: { baseURL: server.baseURL } } });
await router.chat({ model: 'openai/gpt-5.4-mini', user: 'ada', messages: [{ role: 'user', content: 'hi' }] });
const report = await router.usage.report({ groupBy: ['user'] });
await keys.put({ id: 'key_1', provider: 'openai', user: 'ada', last4: '', status: 'active', createdAt: 1, updatedAt: 1, cipher: 'test', ciphertext: 'x' });
console.log(JSON.stringify({ rows: report.rows.map((row) => [row.group.user, row.requests]), keys: (await keys.list()).length }));
await router.close();
await server.close();
await pool.end();
`;

describePostgres('the built /postgres subpath', () => {
  test.each([
    [
      'import',
      "const main = await import('@bestviable/llm-router'); const testing = await import('@bestviable/llm-router/testing'); const postgres = await import('@bestviable/llm-router/postgres'); const { default: pg } = await import('pg');",
    ],
    [
      'require',
      "const main = require('@bestviable/llm-router'); const testing = require('@bestviable/llm-router/testing'); const postgres = require('@bestviable/llm-router/postgres'); const pg = require('pg'); (async () => {",
    ],
  ])('loads with %s and records, reports and keeps keys through a real pool', async (how, load) => {
    const prefix = `${how}_`;
    const script =
      how === 'require'
        ? `${load}${body(prefix)}})().catch((error) => { console.error(error); process.exit(1); });`
        : `${load}${body(prefix)}`;
    const args = how === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args, { cwd: root });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({ rows: [['ada', 1]], keys: 1 });
  });
});

test('no built file loads pg: it comes only from the pool the user passes', () => {
  const files = readdirSync(`${root}/dist`, { recursive: true, encoding: 'utf8' }).filter((file) =>
    /\.(c?js)$/.test(file),
  );
  expect(files.length).toBeGreaterThan(4);
  for (const file of files) {
    const code = readFileSync(`${root}/dist/${file}`, 'utf8');
    expect(code, file).not.toMatch(/(from\s*|require\(|import\()\s*["']pg["']/);
  }
});
