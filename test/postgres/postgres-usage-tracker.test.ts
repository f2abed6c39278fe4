import { afterAll, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import {
  createPostgresUsageTracker,
  type PostgresUsageTrackerSettings,
} from '../../src/postgres/create-postgres-usage-tracker.ts';
import type { PostgresPool, PostgresQuery } from '../../src/postgres/postgres-pool.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import { buildUsageReport } from '../../src/usage/build-usage-report.ts';
import { usdToNanoUsd } from '../../src/usage/money-sum.ts';
import { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { describeWithServices } from '../helpers/services.ts';
import { generateRecords, usageRecord, withoutNanos } from '../usage/generate-records.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';
import { waitFor } from './wait-for.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('tracker');
let prefixes = 0;
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

/** A tracker on its own tables of this file's schema. */
function tracker(settings: Partial<PostgresUsageTrackerSettings> = {}) {
  const tablePrefix = `u${prefixes++}_`;
  return {
    tablePrefix,
    tracker: createPostgresUsageTracker({ pool, schema, tablePrefix, logger: false, ...settings }),
    stored: async () =>
      Number(
        (await pool.query(`SELECT count(*) AS n FROM "${schema}"."${tablePrefix}usage_records"`)).rows[0].n,
      ),
  };
}

/** The pool, counting the statements that write records. */
function countingPool(): { pool: PostgresPool; inserts: () => number } {
  let inserts = 0;
  return {
    pool: {
      query(query: PostgresQuery) {
        if (query.text.startsWith('INSERT INTO') && query.text.includes('usage_records')) inserts++;
        return pool.query(query as never);
      },
      connect: () => pool.connect(),
    },
    inserts: () => inserts,
  };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describePostgres('createPostgresUsageTracker', () => {
  it('rejects settings it cannot use, naming each', () => {
    const issues = (settings: unknown) => {
      const error = thrown(() => createPostgresUsageTracker(settings as PostgresUsageTrackerSettings));
      expect(InvalidSettingsError.isInstance(error)).toBe(true);
      return (error as InvalidSettingsError).issues.map((issue) => issue.setting);
    };
    expect(issues({})).toEqual(['pool']);
    expect(issues({ pool: {} })).toEqual(['pool']);
    expect(issues({ pool, schema: 'Usage' })).toEqual(['schema']);
    expect(issues({ pool, schema: 'usage"; DROP TABLE x; --' })).toEqual(['schema']);
    expect(issues({ pool, schema: 'pg_usage' })).toEqual(['schema']);
    expect(issues({ pool, tablePrefix: '1x' })).toEqual(['tablePrefix']);
    expect(issues({ pool, tablePrefix: 'a'.repeat(31) })).toEqual(['tablePrefix']);
    expect(issues({ pool, batchSize: 0 })).toEqual(['batchSize']);
    expect(issues({ pool, batchSize: 500, maxBufferedRecords: 100 })).toEqual(['maxBufferedRecords']);
    expect(issues({ pool, flushIntervalMs: 10, retries: 3 })).toEqual(['retries']);
  });

  it('record() only buffers; a full batch is written on the next turn, one statement per batch', async () => {
    const counting = countingPool();
    const clock = createFakeClock();
    const { tracker: usage, stored } = tracker({ pool: counting.pool, clock, batchSize: 100 });
    await usage.ready();
    for (let index = 0; index < 99; index++) usage.record(usageRecord({ callId: `a${index}` }));
    expect(usage.pending).toBe(99);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await stored()).toBe(0); // nothing leaves before the batch is full or the interval passes
    usage.record(usageRecord({ callId: 'a99' }));
    await clock.advance(0);
    await waitFor(async () => (await stored()) === 100);
    expect(counting.inserts()).toBe(1);
    expect(usage.pending).toBe(0);
    // 250 more: two full batches at once, the last 50 after flushIntervalMs.
    for (let index = 100; index < 350; index++) usage.record(usageRecord({ callId: `a${index}` }));
    await clock.advance(0);
    await waitFor(async () => (await stored()) === 300);
    expect(usage.pending).toBe(50);
    await clock.advance(999);
    expect(usage.pending).toBe(50);
    await clock.advance(1);
    await waitFor(async () => (await stored()) === 350);
    expect(counting.inserts()).toBe(4);
    await usage.close();
  });

  it('flush() and close() write everything, in batches; close() leaves the pool open', async () => {
    const counting = countingPool();
    const { tracker: usage, stored } = tracker({
      pool: counting.pool,
      batchSize: 400,
      flushIntervalMs: 60_000,
    });
    for (let index = 0; index < 1_000; index++) usage.record(usageRecord({ callId: `f${index}` }));
    await usage.flush();
    expect(await stored()).toBe(1_000);
    expect(counting.inserts()).toBe(3);
    usage.record(usageRecord({ callId: 'last' }));
    await usage.close();
    await usage.close();
    expect(await stored()).toBe(1_001);
    const closed = thrown(() => usage.record(usageRecord({ callId: 'late' })));
    expect(UsageStoreError.isInstance(closed) && closed.reason).toBe('closed');
    expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('keeps the first of records sharing an id, in one batch and across batches', async () => {
    const { tracker: usage } = tracker({ batchSize: 3 });
    const first = usageRecord({ callId: 'x', costUsd: 0.5 });
    usage.record(first);
    usage.record({ ...first, costUsd: 1 });
    usage.record(usageRecord({ callId: 'y' }));
    usage.record({ ...first, costUsd: 2 });
    usage.record({ ...usageRecord({ callId: 'x' }), id: 'x-2' }); // same callId, another call
    expect(await usage.query()).toEqual([
      first,
      usageRecord({ callId: 'y' }),
      { ...usageRecord({ callId: 'x' }), id: 'x-2' },
    ]);
    await usage.close();
  });

  it('returns fields it has no column for (added to UsageRecord later) as they were recorded', async () => {
    const { tracker: usage } = tracker();
    const future = {
      ...usageRecord({ callId: 'future' }),
      cachedWriteTokens: 12,
      requestedModel: 'openai/gpt-5.5',
      routing: { candidates: 3, reasons: ['cheapest'] },
      dropped: undefined,
    } as unknown as UsageRecord;
    usage.record(future);
    usage.record(usageRecord({ callId: 'plain' }));
    const [back, plain] = await usage.query();
    expect(back).toEqual(future);
    expect(Object.keys(plain ?? {}).sort()).toEqual(Object.keys(usageRecord({ callId: 'plain' })).sort());
    await usage.close();
  });

  it("keeps a call's byokFallback (the user's key that could not pay) as recorded", async () => {
    const { tracker: usage, tablePrefix } = tracker();
    const records: UsageRecord[] = [
      usageRecord({ callId: 'plain', user: 'cy' }),
      {
        ...usageRecord({ callId: 'fell-back', user: 'ada', keyId: 'gateway:litellm' }),
        byokFallback: { keyId: 'key_0123456789abcdef', reason: 'integrity' },
      },
      { ...usageRecord({ callId: 'no-key', user: 'bob' }), byokFallback: { reason: 'unavailable' } },
    ];
    for (const record of records) usage.record(record);
    const back = await usage.query();
    expect(back).toEqual(records);
    expect(back.map((record) => record.byokFallback)).toEqual([
      undefined,
      { keyId: 'key_0123456789abcdef', reason: 'integrity' },
      { reason: 'unavailable' },
    ]);
    expect('byokFallback' in (back[0] as UsageRecord)).toBe(false);
    // And a reopened tracker (another process) reads it the same.
    await usage.close();
    const reopened = createPostgresUsageTracker({ pool, schema, tablePrefix, logger: false });
    expect(await reopened.query({ user: 'ada' })).toEqual([records[1]]);
    await reopened.close();
  });

  it('keeps tags exactly as recorded, filters and groups by them', async () => {
    const { tracker: usage } = tracker();
    const odd = ['say "hi"', 'back\\slash', 'a,b', '{braces}', 'NULL', '', 'ünï ✓', 'say "hi"'];
    const records = [
      usageRecord({ callId: 'odd', tags: odd }),
      usageRecord({ callId: 'none', tags: [] }),
      usageRecord({ callId: 'plain', tags: ['NULL', 'x'] }),
    ];
    for (const record of records) usage.record(record);
    expect(await usage.query()).toEqual(records);
    expect((await usage.query({ tag: 'NULL' })).map((record) => record.id)).toEqual(['odd', 'plain']);
    expect((await usage.query({ tag: '' })).map((record) => record.id)).toEqual(['odd']);
    const options = { groupBy: ['tag' as const] };
    expect(await usage.report(options)).toEqual(buildUsageReport(records, options));
    await usage.close();
  });

  it('stores money exactly: nano-dollars beside the float, summed exactly', async () => {
    const { tablePrefix, tracker: usage } = tracker();
    // Up to USAGE_RECORD_BOUNDS.maxCostUsd a record; their sum beyond what a float holds to the nano-dollar.
    const amounts = [0.1, 0.2, 0.000000123, 1.214930988, 0.3 - 0.1, 999_999.5, 999_999.75];
    for (const [index, costUsd] of amounts.entries())
      usage.record(usageRecord({ callId: `m${index}`, costUsd }));
    await usage.flush();
    const rows = await pool.query(
      `SELECT cost_usd, cost_nano_usd::text AS nanos FROM "${schema}"."${tablePrefix}usage_records" ORDER BY seq`,
    );
    expect(rows.rows.map((row) => row.cost_usd)).toEqual(amounts);
    expect(rows.rows.map((row) => BigInt(row.nanos))).toEqual(
      amounts.map((usd) => BigInt(usdToNanoUsd(usd))),
    );
    const report = await usage.report();
    const records = await usage.query();
    expect(report).toEqual(buildUsageReport(records));
    expect(report.totals.costUsdExact).toBe('2000000.964931111');
    await usage.close();
  });

  it('p95 is the nearest rank for every group size from 1 to 200', async () => {
    const { tracker: usage } = tracker({ batchSize: 5_000, maxBufferedRecords: 30_000 });
    const records: UsageRecord[] = [];
    for (let size = 1; size <= 200; size++) {
      for (let index = 0; index < size; index++) {
        // Latencies shuffled within the group, some repeated, some fractional.
        const latencyMs = ((index * 7919) % size) + (index % 3 === 0 ? 0.5 : 0);
        records.push(usageRecord({ callId: `p${size}-${index}`, user: `u${size}`, latencyMs }));
      }
    }
    for (const record of records) usage.record(record);
    const options = { groupBy: ['user' as const] };
    expect(await usage.report(options)).toEqual(buildUsageReport(records, options));
    await usage.close();
  });

  it('reports on a pool of one connection (rows and totals in turn) as on a bigger one', async () => {
    const single = createTestPool({ max: 1 });
    try {
      const { tablePrefix, tracker: usage } = tracker({ batchSize: 5_000 });
      const records = generateRecords(2_000, 5).map(withoutNanos);
      for (const record of records) usage.record(record);
      await usage.close();
      const narrow = createPostgresUsageTracker({ pool: single, schema, tablePrefix, logger: false });
      const options = {
        groupBy: ['model' as const, 'tag' as const],
        savings: { catalog: createModelCatalog(), baseline: { mostExpensive: true as const } },
      };
      expect(await narrow.report(options)).toEqual(buildUsageReport(records, options));
      await narrow.close();
    } finally {
      await single.end();
    }
  });

  it('rows and totals of a report agree while another tracker writes', async () => {
    const { tablePrefix, tracker: writer } = tracker({ batchSize: 50, flushIntervalMs: 1 });
    const reader = createPostgresUsageTracker({ pool, schema, tablePrefix, logger: false });
    // Some rows are committed before the first report, however slow the machine: the reports below
    // then run while the writer keeps adding more.
    for (let index = 0; index < 50; index++)
      writer.record(usageRecord({ callId: `first${index}`, user: `u${index % 5}` }));
    await writer.flush();
    let writing = true;
    const written = (async () => {
      for (let index = 0; writing; index++) {
        writer.record(usageRecord({ callId: `w${index}`, user: `u${index % 5}` }));
        if (index % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    try {
      let seen = 0;
      for (let run = 0; run < 8; run++) {
        const report = await reader.report({ groupBy: ['user'] });
        expect(report.rows.reduce((sum, row) => sum + row.requests, 0)).toBe(report.totals.requests);
        expect(report.totals.requests).toBeGreaterThanOrEqual(seen);
        seen = report.totals.requests;
      }
      expect(seen).toBeGreaterThan(0);
    } finally {
      writing = false;
      await written;
      await writer.close();
      await reader.close();
    }
  });

  it('refuses a record the table cannot hold in its own record() call; the others are written', async () => {
    const { tracker: usage } = tracker();
    // As the SQLite tracker: UsageStoreError reason invalid-record, naming the field at fault.
    const refused = (overrides: Record<string, unknown>) => {
      const error = thrown(() =>
        usage.record({ ...usageRecord({ callId: 'bad' }), ...overrides } as UsageRecord),
      );
      expect(UsageStoreError.isInstance(error) && error.reason).toBe('invalid-record');
      return /was not kept: (\w+)/.exec((error as UsageStoreError).message)?.[1];
    };
    usage.record(usageRecord({ callId: 'good-1' }));
    expect(refused({ id: '' })).toBe('id');
    expect(refused({ id: 5 })).toBe('id');
    expect(refused({ startedAt: '2026-05-01' })).toBe('startedAt');
    expect(refused({ inputTokens: 1.5 })).toBe('inputTokens');
    expect(refused({ outputTokens: -1 })).toBe('outputTokens');
    expect(refused({ user: 'nul\u0000byte' })).toBe('user');
    expect(refused({ tags: ['ok', 3] })).toBe('tags');
    expect(refused({ costUsd: Number.NaN })).toBe('costUsd');
    expect(refused({ costUsd: 1e30 })).toBe('costUsd');
    expect(refused({ latencyMs: Number.POSITIVE_INFINITY })).toBe('latencyMs');
    expect(refused({ status: 'fine' })).toBe('status');
    expect(refused({ finishedAt: undefined })).toBe('finishedAt');
    expect(refused({ attempts: -1 })).toBe('attempts');
    expect(refused({ fallback: 'yes' })).toBe('fallback');
    usage.record(usageRecord({ callId: 'good-2' }));
    expect((await usage.query()).map((record) => record.id)).toEqual(['good-1', 'good-2']);
    await usage.close();
  });
});
