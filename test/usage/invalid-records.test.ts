import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import { createRouter } from '../../src/router/create-router.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import { attributeCosts } from '../../src/usage/attribute-costs.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { computeSavings } from '../../src/usage/compute-savings.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';
import { reportToCsv } from '../../src/usage/report-to-csv.ts';
import { reportToJson } from '../../src/usage/report-to-json.ts';
import { createSqliteUsageTracker } from '../../src/usage/sqlite-usage-tracker.ts';
import { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from '../postgres/postgres-test-database.ts';
import { usageRecord } from './generate-records.ts';

const describePostgres = await describeWithServices(['postgres']);

// A tracker may hold records no report can trust: written before the router checked gateway
// answers, or by a custom tracker. A report skips them and counts them in `invalidRecords`; it
// never throws on them and none of their values reaches a figure (issue 16 item 3).

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

const good = [
  usageRecord({ callId: 'g1', costUsd: 0.25, inputTokens: 10, outputTokens: 5 }),
  usageRecord({ callId: 'g2', user: 'bob', costUsd: 0.5, inputTokens: 20, outputTokens: 1 }),
];

const throwing = Object.defineProperty({ ...good[0], id: 'getter' }, 'costUsd', {
  enumerable: true,
  get() {
    throw new Error('no cost for you');
  },
});
const revoked = Proxy.revocable({ ...good[0] }, {});
revoked.revoke();

/** Records no report may count, each with why. */
const garbage: [string, unknown][] = [
  ['NaN input tokens', usageRecord({ callId: 'b1', inputTokens: Number.NaN })],
  ['infinite output tokens', usageRecord({ callId: 'b2', outputTokens: Number.POSITIVE_INFINITY })],
  ['negative cached tokens', usageRecord({ callId: 'b3', cachedInputTokens: -1 })],
  ['fractional tokens', usageRecord({ callId: 'b4', inputTokens: 1.5 })],
  ['absurd tokens (1e308)', usageRecord({ callId: 'b5', inputTokens: 1e308 })],
  ['NaN cost', usageRecord({ callId: 'b6', costUsd: Number.NaN })],
  ['absurd cost (1e30)', usageRecord({ callId: 'b7', costUsd: 1e30 })],
  ['negative cost', usageRecord({ callId: 'b8', costUsd: -0.01 })],
  ['infinite cost', usageRecord({ callId: 'b9', costUsd: Number.POSITIVE_INFINITY })],
  ['NaN latency', usageRecord({ callId: 'b10', latencyMs: Number.NaN })],
  ['a start time that is no date', usageRecord({ callId: 'b11', startedAt: 1e300 })],
  ['tags that are not a list', { ...usageRecord({ callId: 'b12' }), tags: null }],
  ['a tag that is not text', { ...usageRecord({ callId: 'b13' }), tags: [{}] }],
  ['a user that is not text', { ...usageRecord({ callId: 'b14' }), user: 5 }],
  ['an unknown status', { ...usageRecord({ callId: 'b15' }), status: 'fine' }],
  ['a cost given as text', { ...usageRecord({ callId: 'b16' }), costUsd: '0.1' }],
  ['tokens given as a BigInt', { ...usageRecord({ callId: 'b17' }), inputTokens: 10n }],
  ['null', null],
  ['a number', 42],
  ['a getter that throws', throwing],
  ['a revoked Proxy', revoked.proxy],
];

describe('reports over records no report can trust', () => {
  it.each(garbage)('skips and counts a record with %s', (_why, record) => {
    const report = buildUsageReport([...good, record as UsageRecord], { groupBy: ['user', 'tag', 'day'] });
    expect(report.invalidRecords).toBe(1);
    expect(report.totals).toMatchObject({
      requests: 2,
      inputTokens: 30,
      outputTokens: 6,
      costUsdExact: '0.750000000',
    });
    expect(reportToJson(report)).not.toMatch(/NaN|Infinity|null,"costUsd"/);
    expect(reportToCsv(report)).not.toMatch(/NaN|Infinity/);
  });

  it('router.usage.report() and attribute() never throw on what the tracker holds, and count it', async () => {
    // A custom tracker hands back whatever it holds, garbage included.
    const held = [...good, ...garbage.map(([, record]) => record)];
    const usage = { record() {}, query: () => held as UsageRecord[] };
    const clock = createFakeClock();
    const router = createRouter({
      clock,
      logger: false,
      usage,
      transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
    });
    const report = await router.usage.report({
      groupBy: ['user', 'model', 'tag', 'day'],
      savings: { baseline: { mostExpensive: true } },
    });
    expect(report.totals.requests).toBe(2);
    expect(report.totals.costUsd).toBe(0.75);
    expect(report.invalidRecords).toBe(garbage.length);
    expect(report.savings?.actualUsd).toBe(0.75);

    const byUser = await router.usage.attribute({ by: 'user' });
    expect(byUser.rows.map((row) => [row.id, row.costUsd])).toEqual([
      ['bob', 0.5],
      ['ada', 0.25],
    ]);
    expect(byUser.invalidRecords).toBe(garbage.length);

    // A filter that rules a record out rules it out of the count too; one it cannot read counts.
    const onlyBob = await router.usage.report({ filter: { user: 'bob' } });
    expect(onlyBob.totals.requests).toBe(1);
    // null, 42 and the revoked Proxy cannot be ruled out; the getter's user (ada) can be read.
    expect(onlyBob.invalidRecords).toBe(3);
    await router.close();
  });

  it('the memory tracker answers a filtered query over garbage it holds, so the report can count it', async () => {
    const usage = createMemoryUsageTracker();
    for (const [, record] of garbage) {
      try {
        usage.record(record as UsageRecord);
      } catch {
        // null and the revoked Proxy have no id to key them by.
      }
    }
    for (const record of good) usage.record(record);
    const clock = createFakeClock();
    const router = createRouter({
      clock,
      logger: false,
      usage,
      transports: { litellm: createFakeTransport({ gateway: 'litellm', clock }) },
    });
    const report = await router.usage.report({
      filter: { tag: 'x', from: 0, user: 'ada' },
      groupBy: ['tag'],
    });
    expect(report.totals.requests).toBe(0);
    // 42 has no fields to rule it out by, and a record whose tags are not a list cannot be ruled
    // out by a tag; every other bad record is ada's without tag x.
    expect(report.invalidRecords).toBe(2);
    await router.close();
  });

  it('computeSavings and attributeCosts skip the same records', () => {
    const all = [...good, ...garbage.map(([, record]) => record)] as UsageRecord[];
    const savings = computeSavings(all, { catalog: createModelCatalog(), baseline: { mostExpensive: true } });
    expect(savings).toMatchObject({
      calls: 2,
      actualUsdExact: '0.750000000',
      invalidRecords: garbage.length,
    });
    const byKey = attributeCosts(all, { by: 'key' });
    expect(byKey.totals.requests).toBe(2);
    expect(byKey.invalidRecords).toBe(garbage.length);
  });

  it('the SQLite tracker refuses a record it could not store faithfully, and keeps writing the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-invalid-'));
    dirs.push(dir);
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path: join(dir, 'usage.db'), clock });
    tracker.record(good[0] as UsageRecord);
    // NaN tokens used to be buffered and then fail every later batch (NOT NULL), so no later
    // record was ever written and every report threw.
    for (const [, record] of garbage.slice(0, 17)) {
      let error: unknown;
      try {
        tracker.record(record as UsageRecord);
      } catch (caught) {
        error = caught;
      }
      expect(UsageStoreError.isInstance(error)).toBe(true);
      expect((error as UsageStoreError).reason).toBe('invalid-record');
    }
    tracker.record(good[1] as UsageRecord);
    const report = buildUsageReport(tracker.query(), {});
    expect(report.totals.requests).toBe(2);
    expect(report.invalidRecords).toBe(0);
    tracker.close();
  });

  it.each([
    ['an id that is not text', { id: 5 }],
    ['no finish time', { finishedAt: undefined }],
    ['attempts that are not a count', { attempts: Number.NaN }],
    ['an error kind that is not text', { errorKind: {} }],
    ['a time to first token that is not a number', { timeToFirstTokenMs: 'soon' }],
  ])('the SQLite tracker refuses a record with %s, which SQLite could not store', (_why, change) => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-unstorable-'));
    dirs.push(dir);
    const tracker = createSqliteUsageTracker({ path: join(dir, 'usage.db'), clock: createFakeClock() });
    let error: unknown;
    try {
      tracker.record({ ...usageRecord({ callId: 'bad' }), ...change } as unknown as UsageRecord);
    } catch (caught) {
      error = caught;
    }
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('invalid-record');
    tracker.record(good[0] as UsageRecord);
    expect(tracker.query().map((record) => record.callId)).toEqual(['g1']);
    tracker.close();
  });

  it('a SQLite store edited by hand (tags that are not JSON) still reports, counting the row as invalid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-edited-'));
    dirs.push(dir);
    const path = join(dir, 'usage.db');
    const tracker = createSqliteUsageTracker({ path, clock: createFakeClock() });
    for (const record of good) tracker.record(record);
    tracker.close();
    const database = new DatabaseSync(path);
    database.exec("UPDATE usage_records SET tags = 'not json' WHERE call_id = 'g2'");
    database.close();
    const reopened = createSqliteUsageTracker({ path, clock: createFakeClock() });
    const report = buildUsageReport(reopened.query(), { groupBy: ['tag'] });
    expect(report.totals.requests).toBe(1);
    expect(report.invalidRecords).toBe(1);
    reopened.close();
  });
});

describePostgres('the PostgreSQL tracker over records no report can trust', () => {
  const pool = createTestPool();
  const schema = uniqueSchema('invalid');
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('refuses each in its own record() call, as the SQLite tracker does, and keeps writing the others', async () => {
    const tracker = createPostgresUsageTracker({ pool, schema, logger: false });
    tracker.record(good[0] as UsageRecord);
    for (const [why, record] of garbage) {
      let error: unknown;
      try {
        tracker.record(record as UsageRecord);
      } catch (caught) {
        error = caught;
      }
      expect(UsageStoreError.isInstance(error) && error.reason, why).toBe('invalid-record');
    }
    tracker.record(good[1] as UsageRecord);
    expect((await tracker.query()).map((record) => record.callId)).toEqual(['g1', 'g2']);
    const report = await tracker.report({ groupBy: ['user', 'tag', 'day'] });
    expect(report.totals).toMatchObject({ requests: 2, costUsdExact: '0.750000000' });
    expect(report.invalidRecords).toBe(0);
    await tracker.close();
  });
});
