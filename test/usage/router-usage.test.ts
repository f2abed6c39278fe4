import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { createRouter, type UsageRecord, type UsageTracker } from '../../src/index.ts';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import { createFakeClock, createFakeTransport, type FakeReply } from '../../src/testing/index.ts';
import type { UsageReportOptions } from '../../src/types/usage-report.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { createSqliteUsageTracker, reportToCsv } from '../../src/usage/index.ts';
import { collect } from '../helpers/events.ts';
import { describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from '../postgres/postgres-test-database.ts';
import { usageRecord } from './generate-records.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

// The report scenario runs on the default in-memory tracker and on PostgreSQL (reports in SQL).
const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('router_usage');
let prefixes = 0;
afterAll(async () => {
  if (describePostgres === describe) await dropSchema(pool, schema);
  await pool.end();
});
const trackers: [name: string, create: (() => UsageTracker) | undefined][] = [
  ['memory', undefined],
  ['PostgreSQL', () => createPostgresUsageTracker({ pool, schema, tablePrefix: `r${prefixes++}_` })],
];

function setup(options: { usage?: UsageTracker; litellm?: FakeReply[]; openrouter?: FakeReply[] } = {}) {
  const clock = createFakeClock();
  const litellm = createFakeTransport({ gateway: 'litellm', clock, replies: options.litellm ?? [] });
  const openrouter = createFakeTransport({ gateway: 'openrouter', clock, replies: options.openrouter ?? [] });
  const router = createRouter({
    clock,
    logger: false,
    transports: { litellm, openrouter },
    retry: { maxRetries: 1 },
    ...(options.usage ? { usage: options.usage } : {}),
  });
  return { clock, litellm, openrouter, router };
}

const ask = (model: string, user: string, tags: string[] = []) => ({
  model,
  user,
  tags,
  messages: [{ role: 'user' as const, content: 'hello' }],
});

describe('router.usage', () => {
  test('a reused callId still gives one record per call: three calls, three records, ids unique', async () => {
    const { router } = setup({ litellm: [{ text: 'one' }, { text: 'two' }, { text: 'three' }] });
    const events = collect(router, 'usage');
    for (const callId of ['~~~', 'A', '~~~'])
      await router.chat({ ...ask('openai/gpt-5.4-mini', 'u1'), callId });
    const records = await router.usage.query();
    expect(records.map((record) => record.callId)).toEqual(['~~~', 'A', '~~~']);
    expect(new Set(records.map((record) => record.id)).size).toBe(3);
    expect(events.map((event) => event.id)).toEqual(records.map((record) => record.id));
    expect((await router.usage.report()).totals.requests).toBe(3);
  });

  test('exactly one record per call under retries and fallbacks; ids unique', async () => {
    const { router } = setup({
      litellm: [
        { error: 'connection-reset' }, // retried once at once, then fails over
        { error: 'connection-reset' },
        { error: 'server-error', status: 500 }, // retried, then answers
        { text: 'ok' },
      ],
    });
    const events = collect(router, 'usage');
    const first = await router.chat(ask('openai/gpt-5.4-mini', 'a'));
    const second = await router.chat(ask('openai/gpt-5.4-mini', 'b'));
    expect(first.route.gateway).toBe('openrouter');
    expect(second.attempts[0]?.tries).toBe(2);
    const records = await router.usage.query();
    expect(records.map((record) => record.callId)).toEqual([first.callId, second.callId]);
    expect(events).toHaveLength(2);
    expect(records[0]).toMatchObject({ fallback: true, attempts: 2, gateway: 'openrouter' });
    expect(records[1]).toMatchObject({ fallback: false, attempts: 1, gateway: 'litellm' });
  });

  test('the cost source: gateway when reported, catalog when computed, estimated when tokens were', async () => {
    const { router } = setup({
      litellm: [
        { text: 'a', usage: { inputTokens: 1_000, outputTokens: 100 }, costUsd: 0.5 },
        { text: 'b', usage: { inputTokens: 1_000, outputTokens: 100 } },
        { text: 'ccccdddd', usage: null },
      ],
    });
    const gateway = await router.chat(ask('openai/gpt-5.4-mini', 'u'));
    const catalog = await router.chat(ask('openai/gpt-5.4-mini', 'u'));
    const estimated = await router.chat(ask('openai/gpt-5.4-mini', 'u'));
    expect(gateway.cost).toEqual({ usd: 0.5, source: 'gateway' });
    expect(catalog.cost.source).toBe('catalog');
    expect(catalog.cost.usd).toBeCloseTo(1_000 * 0.75e-6 + 100 * 4.5e-6, 15);
    expect(estimated.cost.source).toBe('estimated');
    expect(estimated.usage.outputTokens).toBe(2);
    const records = await router.usage.query();
    expect(records.map((record) => record.costSource)).toEqual(['gateway', 'catalog', 'estimated']);
  });

  test.for(trackers)(
    '%s: report by provider and user, attribution by key, savings against a named model, CSV',
    async ([, createTracker], context) => {
      if (createTracker && describePostgres !== describe) context.skip();
      const usage = createTracker?.();
      const { router } = setup({
        ...(usage ? { usage } : {}),
        litellm: Array.from({ length: 4 }, () => ({
          text: 'x',
          usage: { inputTokens: 1_000_000, outputTokens: 0 },
        })),
      });
      await router.chat(ask('openai/gpt-5.4-mini', 'alice', ['eu']));
      await router.chat(ask('openai/gpt-5.4-mini', 'bob'));
      await router.chat(ask('mistral/mistral-large-latest', 'alice', ['eu', 'beta']));
      await router.chat(ask('mistral/mistral-large-latest', 'alice'));

      const report = await router.usage.report({
        groupBy: ['provider', 'user'],
        savings: { baseline: { model: 'openai/gpt-5.5' } },
      });
      // 1M input tokens: gpt-5.4-mini $0.75, mistral-large $0.50 (on LiteLLM too), and gpt-5.5 $10.00:
      // a prompt above 272k tokens is priced at its long-context tier ($10/M, not $5/M).
      expect(
        report.rows.map((row) => [row.group.provider, row.group.user, row.requests, row.costUsd]),
      ).toEqual([
        ['mistral', 'alice', 2, 1],
        ['openai', 'alice', 1, 0.75],
        ['openai', 'bob', 1, 0.75],
      ]);
      expect(report.totals).toMatchObject({ requests: 4, costUsd: 2.5, costUsdExact: '2.500000000' });
      expect(report.savings).toMatchObject({
        baselineModel: 'openai/gpt-5.5',
        actualUsd: 2.5,
        baselineUsd: 40,
        savedUsd: 37.5,
      });

      const byTag = await router.usage.report({ groupBy: ['tag'], filter: { user: 'alice' } });
      expect(byTag.rows.map((row) => [row.group.tag, row.requests])).toEqual([
        ['beta', 1],
        ['eu', 2],
        [null, 1],
      ]);

      const byKey = await router.usage.attribute({ by: 'key' });
      expect(byKey.rows).toEqual([expect.objectContaining({ id: 'gateway:litellm', requests: 4, share: 1 })]);

      const csv = reportToCsv(report);
      expect(csv.split('\r\n')[0]).toContain('provider');
      expect(csv).toContain('2.500000000');
      await router.close();
    },
  );

  test('a tracker with its own report() (SQL) is asked for reports and attribution, not for records', async () => {
    const asked: UsageReportOptions[] = [];
    const records = [
      usageRecord({ callId: 'a', keyId: 'byok:acme', costUsd: 0.3 }),
      usageRecord({ callId: 'b', keyId: 'gateway:litellm', costUsd: 0.1 }),
    ];
    const reporting: UsageTracker = {
      record() {},
      query: () => {
        throw new Error('query() must not be called when report() exists');
      },
      report: async (options) => {
        asked.push(options);
        return buildUsageReport(records, options);
      },
    };
    const { router } = setup({ usage: reporting });
    const report = await router.usage.report({ groupBy: ['user'], from: 5 });
    expect(report.totals.costUsdExact).toBe('0.400000000');
    const byKey = await router.usage.attribute({ by: 'key', filter: { status: 'ok' } });
    expect(byKey.rows.map((row) => [row.id, row.costUsdExact])).toEqual([
      ['byok:acme', '0.300000000'],
      ['gateway:litellm', '0.100000000'],
    ]);
    expect(byKey.rows[0]?.share).toBeCloseTo(0.75, 12);
    expect(asked).toEqual([
      { groupBy: ['user'], from: 5 },
      { filter: { status: 'ok' }, groupBy: ['key'] },
    ]);
  });

  test('a throwing or slow tracker never breaks or delays a call; its errors are events', async () => {
    const failing: UsageTracker = {
      record() {
        throw new Error('disk full');
      },
      query: () => [],
    };
    const { router } = setup({ usage: failing });
    const errors = collect(router, 'tracker-error');
    const reply = await router.chat(ask('openai/gpt-5.4-mini', 'u'));
    expect(reply.text).toContain('echo');
    expect(errors).toEqual([expect.objectContaining({ callId: reply.callId })]);

    let release: () => void = () => undefined;
    const slow: UsageTracker = {
      record: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
      query: () => [],
    };
    const second = setup({ usage: slow });
    const recorded: UsageRecord[] = [];
    second.router.on('usage', (record) => recorded.push(record));
    await second.router.chat(ask('openai/gpt-5.4-mini', 'u')); // resolves although record() has not
    expect(recorded).toHaveLength(1);
    release();

    const rejecting: UsageTracker = {
      record: () => Promise.reject(new Error('remote ledger down')),
      query: () => [],
    };
    const third = setup({ usage: rejecting });
    const rejections = collect(third.router, 'tracker-error');
    await third.router.chat(ask('openai/gpt-5.4-mini', 'u'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejections).toHaveLength(1);
  });

  test('with the SQLite tracker, records survive router.close() and a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-router-usage-'));
    dirs.push(dir);
    const path = join(dir, 'usage.sqlite');
    const clock = createFakeClock();
    const first = setup({ usage: createSqliteUsageTracker({ path, clock, batchSize: 100 }) });
    const calls = [];
    for (let index = 0; index < 7; index++)
      calls.push(await first.router.chat(ask('openai/gpt-5.4-mini', `u${index % 2}`)));
    await first.router.close(); // flushes the batch

    const reopened = createSqliteUsageTracker({ path, clock });
    try {
      const records = reopened.query();
      expect(records.map((record) => record.callId).sort()).toEqual(calls.map((call) => call.callId).sort());
      const second = setup({ usage: reopened });
      const report = await second.router.usage.report({ groupBy: ['user'] });
      expect(report.rows.map((row) => [row.group.user, row.requests])).toEqual([
        ['u0', 4],
        ['u1', 3],
      ]);
    } finally {
      reopened.close();
    }
  });
});
