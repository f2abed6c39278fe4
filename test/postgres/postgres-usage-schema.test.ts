import { afterAll, expect, it } from 'vitest';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import type { PostgresPool } from '../../src/postgres/postgres-pool.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { describeWithServices } from '../helpers/services.ts';
import { usageRecord } from '../usage/generate-records.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('schema');
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

const tableNames = async (prefix: string) =>
  (
    await pool.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE $2 ORDER BY tablename`,
      [schema, `${prefix}%`],
    )
  ).rows.map((row) => row.tablename);

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as UsageStoreError,
  );

describePostgres('PostgreSQL usage tables', () => {
  it('creates the schema, the records table, its indexes and the version row on first use', async () => {
    const usage = createPostgresUsageTracker({ pool, schema, tablePrefix: 'first_', logger: false });
    await usage.ready();
    expect(usage.table).toBe(`${schema}.first_usage_records`);
    expect(await tableNames('first_')).toEqual(['first_schema_versions', 'first_usage_records']);
    const indexes = await pool.query(
      'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
      [schema, 'first_usage_records'],
    );
    expect(indexes.rows.map((row) => row.indexname)).toEqual([
      'first_usage_records_pkey',
      'first_usage_records_started_at',
      'first_usage_records_user_started_at',
    ]);
    const versions = await pool.query(`SELECT component, version FROM "${schema}".first_schema_versions`);
    expect(versions.rows).toEqual([{ component: 'usage', version: 1 }]);
    await usage.close();
  });

  it('holds every row within USAGE_RECORD_BOUNDS, whoever writes it, so a report has no invalid record to skip', async () => {
    const usage = createPostgresUsageTracker({ pool, schema, tablePrefix: 'bounds_', logger: false });
    usage.record(usageRecord({ callId: 'good', costUsd: 0.5 }));
    await usage.flush();
    const table = `"${schema}".bounds_usage_records`;
    // Other code writing to the table by hand cannot store what a report could not count.
    for (const [column, value] of [
      ['input_tokens', '-1'],
      ['output_tokens', '2000000000'],
      ['cost_usd', "'NaN'"],
      ['cost_usd', '1e30'],
      ['latency_ms', "'Infinity'"],
      ['started_at', '1e300'],
      ['status', "'fine'"],
      ['cost_source', "'free'"],
    ] as const) {
      const error = await pool
        .query(
          `INSERT INTO ${table} (id, call_id, started_at, finished_at, input_tokens, output_tokens, cached_input_tokens, cost_usd, cost_nano_usd, cost_source, latency_ms, attempts, fallback, tags, status, stream)
           VALUES ('hand', 'hand', 0, 0, 1, 1, 0, 0, 0, 'none', 1, 1, false, '{}', 'ok', false)`,
        )
        .then(() => pool.query(`UPDATE ${table} SET ${column} = ${value} WHERE id = 'hand'`))
        .then(
          () => undefined,
          (caught: unknown) => caught as { code?: string; constraint?: string },
        );
      expect(error, `${column} = ${value}`).toMatchObject({
        code: '23514',
        constraint: 'bounds_usage_records_countable',
      });
      await pool.query(`DELETE FROM ${table} WHERE id = 'hand'`);
    }
    const report = await usage.report({ groupBy: ['user'], filter: { from: 0 } });
    expect(report.totals.requests).toBe(1);
    expect(report.invalidRecords).toBe(0);
    await usage.close();
  });

  it('a second tracker on the same tables finds them current with one read, and another prefix gets its own', async () => {
    await createPostgresUsageTracker({ pool, schema, tablePrefix: 'again_', logger: false }).ready();
    let connects = 0;
    const counting: PostgresPool = {
      query: (query) => pool.query(query as never),
      connect: () => {
        connects++;
        return pool.connect();
      },
    };
    const second = createPostgresUsageTracker({
      pool: counting,
      schema,
      tablePrefix: 'again_',
      logger: false,
    });
    await second.ready();
    expect(connects).toBe(0); // no migration transaction
    second.record(usageRecord({ callId: 'a' }));
    await second.close();
    const other = createPostgresUsageTracker({ pool, schema, tablePrefix: '', logger: false });
    other.record(usageRecord({ callId: 'b' }));
    expect((await other.query()).map((record) => record.id)).toEqual(['b']);
    await other.close();
    expect(await tableNames('again_')).toEqual(['again_schema_versions', 'again_usage_records']);
  });

  it('trackers starting at the same moment on new tables agree on one schema', async () => {
    const fresh = uniqueSchema('race');
    const pools = Array.from({ length: 6 }, () => createTestPool({ max: 1 }));
    try {
      const trackers = pools.map((own, index) =>
        createPostgresUsageTracker({
          pool: own,
          schema: fresh,
          logger: false,
          tablePrefix: 'race_',
          batchSize: 10 + index,
        }),
      );
      await Promise.all(trackers.map((tracker) => tracker.ready()));
      trackers.forEach((tracker, index) => {
        tracker.record(usageRecord({ callId: `own-${index}` }));
        tracker.record(usageRecord({ callId: 'shared' }));
      });
      await Promise.all(trackers.map((tracker) => tracker.close()));
      const ids = await pool.query(`SELECT id FROM "${fresh}".race_usage_records ORDER BY id`);
      expect(ids.rows.map((row) => row.id)).toEqual([
        ...trackers.map((_, index) => `own-${index}`),
        'shared',
      ]);
      const versions = await pool.query(`SELECT component, version FROM "${fresh}".race_schema_versions`);
      expect(versions.rows).toEqual([{ component: 'usage', version: 1 }]);
    } finally {
      await dropSchema(pool, fresh);
      await Promise.all(pools.map((own) => own.end()));
    }
  });

  it('refuses tables written by a newer version, leaving them untouched', async () => {
    const first = createPostgresUsageTracker({ pool, schema, tablePrefix: 'newer_', logger: false });
    first.record(usageRecord({ callId: 'kept' }));
    await first.close();
    await pool.query(`UPDATE "${schema}".newer_schema_versions SET version = 2 WHERE component = 'usage'`);
    const errors: UsageStoreError[] = [];
    const clock = createFakeClock();
    const usage = createPostgresUsageTracker({
      pool,
      schema,
      tablePrefix: 'newer_',
      logger: false,
      clock,
      onError: (error) => errors.push(error),
    });
    usage.record(usageRecord({ callId: 'early' })); // buffered before the tables were checked
    const error = await rejection(usage.ready());
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('unsupported-version');
    expect(error.message).toContain('schema version 2');
    expect(() => usage.record(usageRecord({ callId: 'new' }))).toThrow(error);
    expect((await rejection(usage.query())).reason).toBe('unsupported-version');
    await clock.advance(30_000); // the early record's write fails once; no retries of a hopeless write
    expect(errors.map((reported) => reported.reason)).toEqual(['unsupported-version', 'unsupported-version']);
    const rows = await pool.query(`SELECT id FROM "${schema}".newer_usage_records`);
    expect(rows.rows).toEqual([{ id: 'kept' }]);
  });

  it('refuses a table of the same name that is not its own, leaving it untouched', async () => {
    await pool.query(`CREATE TABLE "${schema}".theirs_usage_records (note text)`);
    await pool.query(`INSERT INTO "${schema}".theirs_usage_records VALUES ('their data')`);
    const usage = createPostgresUsageTracker({ pool, schema, tablePrefix: 'theirs_', logger: false });
    const error = await rejection(usage.ready());
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('foreign');
    expect(error.message).toContain(`${schema}.theirs_usage_records`);
    const rows = await pool.query(`SELECT * FROM "${schema}".theirs_usage_records`);
    expect(rows.rows).toEqual([{ note: 'their data' }]);
    // The migration rolled back whole: no version row claims the tables.
    const versions = await pool
      .query(`SELECT count(*)::int AS n FROM "${schema}".theirs_schema_versions`)
      .catch((missing: { code?: string }) => missing.code);
    expect(versions).toBe('42P01');
  });
});
