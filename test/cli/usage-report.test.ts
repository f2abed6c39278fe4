import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createModelCatalog } from '../../src/catalog/index.ts';
import { createRouter, type UsageRecord } from '../../src/index.ts';
import { startLiteLLMServer } from '../../src/testing/index.ts';
import {
  buildUsageReport,
  createSqliteUsageTracker,
  reportToCsv,
  reportToJson,
} from '../../src/usage/index.ts';
import { usageRecord } from '../usage/generate-records.ts';
import { runCli } from './run-cli.ts';

const MAY = Date.UTC(2026, 4, 1);
const DAY = 86_400_000;

const RECORDS: UsageRecord[] = [
  usageRecord({ callId: 'c1', user: 'ada', startedAt: MAY + 1_000, costUsd: 0.001, latencyMs: 400 }),
  usageRecord({
    callId: 'c2',
    user: 'ada',
    startedAt: MAY + DAY,
    model: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    costUsd: 0.002,
  }),
  usageRecord({ callId: 'c3', user: 'bob', startedAt: MAY + 2 * DAY, costUsd: 0.0005, fallback: true }),
  usageRecord({
    callId: 'c4',
    user: 'bob',
    startedAt: MAY + 3 * DAY,
    status: 'error',
    costUsd: 0,
    errorKind: 'unavailable',
  }),
  // A user name crafted to fake a row and move the cursor in a terminal, and to run as a formula in a spreadsheet.
  usageRecord({
    callId: 'c5',
    user: '=HYPERLINK("x")\n\u001b[2J',
    startedAt: MAY + 4 * DAY,
    costUsd: 0.0001,
  }),
  usageRecord({ callId: 'c6', user: 'ada', startedAt: MAY + 40 * DAY, costUsd: 0.5 }),
];

let directory: string;
let ledger: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'llm-router-cli-usage-'));
  ledger = join(directory, 'usage.db');
  const tracker = createSqliteUsageTracker({ path: ledger });
  for (const record of RECORDS) tracker.record(record);
  tracker.close();
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const inMay = (record: UsageRecord) => record.startedAt >= MAY && record.startedAt < Date.UTC(2026, 5, 1);

describe('llm-router usage report', () => {
  test('--format json is reportToJson of the same report', async () => {
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--from',
      '2026-05-01',
      '--to',
      '2026-06-01',
      '--group-by',
      'user,model',
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const expected = buildUsageReport(RECORDS, {
      from: MAY,
      to: Date.UTC(2026, 5, 1),
      groupBy: ['user', 'model'],
    });
    expect(run.stdout).toBe(`${reportToJson(expected)}\n`);
    expect(JSON.parse(run.stdout).totals.requests).toBe(RECORDS.filter(inMay).length);
  });

  test('--json is the same as --format json', async () => {
    const flag = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--group-by',
      'day',
      '--json',
    ]);
    const format = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--group-by',
      'day',
      '--format',
      'json',
    ]);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe(format.stdout);
  });

  test('--format csv is reportToCsv, formula cells guarded', async () => {
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--to',
      '2026-06-01',
      '--group-by',
      'user',
      '--format',
      'csv',
    ]);
    expect(run.code).toBe(0);
    const expected = buildUsageReport(RECORDS, { to: Date.UTC(2026, 5, 1), groupBy: ['user'] });
    expect(run.stdout).toBe(reportToCsv(expected));
    expect(run.stdout).toContain(`"'=HYPERLINK(""x"")`);
  });

  test('the table aligns the groups and figures, adds the totals, and escapes control characters', async () => {
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--from',
      '2026-05-01',
      '--to',
      '2026-06-01',
      '--group-by',
      'user',
    ]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^USER +REQUESTS +FAILED +IN TOKENS +OUT TOKENS +CACHED +COST \$ +AVG MS +P95 MS +FALLBACKS$/,
    );
    expect(run.stdout).toMatch(/^ada +2 +0 +200 +40 +0 +0\.003000000 /m);
    expect(run.stdout).toMatch(/^bob +2 +1 +200 +40 +0 +0\.000500000 .* 1$/m);
    expect(run.stdout).toMatch(/^TOTAL +5 +1 /m);
    // The crafted name is one row, its line break and escape sequence shown, not obeyed.
    expect(run.stdout).toContain('=HYPERLINK("x")\\u000a\\u001b[2J');
    expect(run.stdout).not.toContain('\u001b');
    // Figures are right-aligned under their header: each REQUESTS cell ends where the header does.
    const end = (lines[0]?.indexOf('REQUESTS') ?? 0) + 'REQUESTS'.length;
    for (const line of lines.slice(1, 5)) expect(line.slice(end - 1, end + 1)).toMatch(/^\d $/);
    expect(run.stdout).toContain('From 2026-05-01T00:00:00.000Z up to 2026-06-01T00:00:00.000Z (exclusive).');
  });

  test('filters: --user, --status, --provider', async () => {
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--user',
      'bob',
      '--status',
      'error',
      '--provider',
      'openai',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).totals).toMatchObject({ requests: 1, failures: 1 });
  });

  test('--savings-baseline adds the savings line', async () => {
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--savings-baseline',
      'openai/gpt-5.5',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const expected = buildUsageReport(RECORDS, {
      savings: { catalog: createModelCatalog(), baseline: { model: 'openai/gpt-5.5' } },
    });
    expect(JSON.parse(run.stdout).savings).toEqual(JSON.parse(JSON.stringify(expected.savings)));
    const table = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${ledger}`,
      '--savings-baseline',
      'most-expensive',
    ]);
    expect(table.stdout).toMatch(/^Savings against \S+: spent \d+\.\d{9} USD/m);
  });

  test('a ledger the router wrote: calls through loopback LiteLLM, reported by user and model', async () => {
    const server = await startLiteLLMServer();
    const path = join(directory, 'routed.db');
    const router = createRouter({
      logger: false,
      gateways: { litellm: { baseURL: server.baseURL } },
      usage: createSqliteUsageTracker({ path }),
    });
    try {
      for (const user of ['ada', 'ada', 'bob'])
        await router.chat({
          model: 'openai/gpt-5.4-mini',
          user,
          messages: [{ role: 'user', content: 'hello' }],
        });
    } finally {
      await router.close();
      await server.close();
    }
    const run = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${path}`,
      '--group-by',
      'user,model',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.rows.map((row: { group: object; requests: number }) => [row.group, row.requests])).toEqual([
      [{ user: 'ada', model: 'openai/gpt-5.4-mini' }, 2],
      [{ user: 'bob', model: 'openai/gpt-5.4-mini' }, 1],
    ]);
    expect(report.totals.costUsd).toBeGreaterThan(0);
  });

  test.each([
    [['--from', '2026-02-30'], '--from: not a real date'],
    [['--from', 'yesterday'], '--from: expected a date'],
    [['--from', '2026-05-02', '--to', '2026-05-01'], '--to: must be later than --from'],
    [
      ['--group-by', 'user,colour'],
      '--group-by: expected a comma-separated list of user, key, provider, model, gateway, tag, day',
    ],
    [['--group-by', 'user,user'], '--group-by: lists user twice'],
    [['--format', 'xml'], '--format: expected one of table, csv, json'],
    [['--format', 'csv', '--json'], '--format: conflicts with --json'],
    [['--status', 'fine'], '--status: expected one of ok, error, aborted'],
    [['--savings-baseline', 'acme/model'], '--savings-baseline: expected a catalog model id'],
  ])('%j: exit 2', async (args, message) => {
    const run = await runCli(['usage', 'report', '--ledger', `sqlite:${ledger}`, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test('--ledger: required, from LLM_ROUTER_LEDGER too, and a file that is not a ledger fails (exit 1)', async () => {
    const missing = await runCli(['usage', 'report']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--ledger (or LLM_ROUTER_LEDGER): missing');
    const fromEnv = await runCli(['usage', 'report', '--json'], {
      env: { LLM_ROUTER_LEDGER: `sqlite:${ledger}` },
    });
    expect(fromEnv.code).toBe(0);
    const notSqlite = await runCli([
      'usage',
      'report',
      '--ledger',
      `sqlite:${new URL(import.meta.url).pathname}`,
    ]);
    expect(notSqlite.code).toBe(1);
    expect(notSqlite.stderr).toMatch(/^llm-router usage report: UsageStoreError \((corrupt|foreign)\): /);
  });
});
