import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UsageRecord, UsageTracker } from '../../src/index.ts';
import { type ProviderKeyServer, startProviderKeyServer } from '../../src/testing/index.ts';
import { buildUsageReport, reportToJson } from '../../src/usage/index.ts';
import { DATABASE_URL, describeWithServices } from '../helpers/services.ts';
import { usageRecord } from '../usage/generate-records.ts';
import { masterKey, ROOT, runCli } from './run-cli.ts';

// The PostgreSQL key store and ledger come from the package's `/postgres` entry point and the
// optional `pg` peer dependency, both loaded by the CLI only when asked for. Without that entry
// point in the build, the CLI must say what is missing; with it, the round trips below run.
const SUBPATH = `${ROOT}dist/postgres/index.js`;
const built = existsSync(SUBPATH);

describe.runIf(!built)('PostgreSQL without the /postgres entry point in the build', () => {
  test.each([
    [['keys', 'list', '--store', 'postgres:'], { LLM_ROUTER_MASTER_KEY: masterKey() }],
    [['usage', 'report', '--ledger', 'postgres://postgres@127.0.0.1:5432/test'], {}],
  ])('%j exits 2 saying what to install', async (args, env) => {
    const run = await runCli(args, { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PostgreSQL stores need the @bestviable\/llm-router\/postgres entry point/);
  });
});

test('a password in a postgres:// URL is never printed, and the flag draws a warning', async () => {
  const password = 'pg-password-that-must-not-show-31';
  const run = await runCli([
    'usage',
    'report',
    '--ledger',
    `postgres://reporter:${password}@127.0.0.1:1/none`,
  ]);
  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain('--ledger holds a password');
  expect(run.stdout + run.stderr).not.toContain(password);
  const fromEnv = await runCli(['usage', 'report'], {
    env: { LLM_ROUTER_LEDGER: `postgres://reporter:${password}@127.0.0.1:1/none` },
  });
  expect(fromEnv.stderr).not.toContain('holds a password');
  expect(fromEnv.stdout + fromEnv.stderr).not.toContain(password);
});

const describePostgres = built ? await describeWithServices(['postgres']) : describe.skip;

describePostgres('PostgreSQL key store and ledger', () => {
  const schema = `cli_test_${process.pid}_${Date.now().toString(36)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const KEY = 'cli-postgres-good-key-0f9e8d7c6b5a';
  let openai: ProviderKeyServer;

  beforeAll(async () => {
    openai = await startProviderKeyServer({ provider: 'openai', keys: { [KEY]: 'valid' } });
  });
  afterAll(async () => {
    await openai.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  test('keys add and list on the PostgreSQL store', async () => {
    const env = { LLM_ROUTER_MASTER_KEY: masterKey(), LLM_ROUTER_KEY_STORE: DATABASE_URL };
    const add = await runCli(
      [
        'keys',
        'add',
        '--provider',
        'openai',
        '--user',
        'user-42',
        '--pg-schema',
        schema,
        '--provider-base-url',
        `openai=${openai.baseURL}`,
        '--json',
      ],
      { env, input: KEY },
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const { id } = JSON.parse(add.stdout);
    const list = await runCli(['keys', 'list', '--pg-schema', schema, '--json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { id, provider: 'openai', user: 'user-42', status: 'active' },
    ]);
    const rows = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".llm_router_key_records`);
    expect(rows.rows[0].n).toBe(1);
    expect(
      JSON.stringify((await pool.query(`SELECT * FROM "${schema}".llm_router_key_records`)).rows),
    ).not.toContain(KEY);
  });

  test('usage report over the PostgreSQL ledger', async () => {
    const records: UsageRecord[] = [
      usageRecord({ callId: 'p1', user: 'ada', costUsd: 0.001 }),
      usageRecord({ callId: 'p2', user: 'bob', costUsd: 0.002 }),
      usageRecord({
        callId: 'p3',
        user: 'ada',
        costUsd: 0.0005,
        model: 'anthropic/claude-haiku-4-5',
        provider: 'anthropic',
      }),
    ];
    const subpath = (await import(pathToFileURL(SUBPATH).href)) as {
      createPostgresUsageTracker(settings: { pool: pg.Pool; schema: string; logger: false }): UsageTracker;
    };
    const tracker = subpath.createPostgresUsageTracker({ pool, schema, logger: false });
    for (const record of records) await tracker.record(record);
    await tracker.close?.();
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      DATABASE_URL,
      '--pg-schema',
      schema,
      '--group-by',
      'user,model',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(
      JSON.parse(reportToJson(buildUsageReport(records, { groupBy: ['user', 'model'] }))),
    );
  });
});
