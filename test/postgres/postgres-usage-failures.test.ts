import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { DATABASE_URL, describeWithServices } from '../helpers/services.ts';
import { usageRecord } from '../usage/generate-records.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';
import { freePort } from './private-postgres.ts';
import { waitFor } from './wait-for.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('failures');
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (message: string) => lines.push(`warn ${message}`),
      error: (message: string) => lines.push(`error ${message}`),
      info: (message: string) => lines.push(`info ${message}`),
    },
  };
}

describePostgres('PostgreSQL usage tracker when the server fails', () => {
  it('with no server: record() keeps buffering without waiting, refuses beyond the backlog, flush() says why', async () => {
    // A real pool on a port where nothing listens: every connection is refused.
    const nowhere = createTestPool({ url: `postgres://postgres@127.0.0.1:${await freePort()}/test`, max: 1 });
    const clock = createFakeClock();
    const errors: UsageStoreError[] = [];
    const { lines, logger } = recordingLogger();
    const usage = createPostgresUsageTracker({
      pool: nowhere,
      schema,
      clock,
      logger,
      batchSize: 10,
      maxBufferedRecords: 50,
      flushTimeoutMs: 0,
      onError: (error) => errors.push(error),
    });
    const started = performance.now();
    for (let index = 0; index < 50; index++) usage.record(usageRecord({ callId: `r${index}` }));
    expect(performance.now() - started).toBeLessThan(200); // no network on this path
    let refused: unknown;
    try {
      usage.record(usageRecord({ callId: 'one-too-many' }));
    } catch (error) {
      refused = error;
    }
    expect(UsageStoreError.isInstance(refused) && refused.reason).toBe('backlog');
    expect((refused as Error).message).toContain('one-too-many');
    expect(usage.pending).toBe(50);

    await clock.advance(0); // the full batches' background write fails...
    await waitFor(() => errors.length >= 1);
    expect(errors[0]?.reason).toBe('write-failed');
    expect(errors[0]?.message).toContain('50 usage records');
    expect(errors[0]?.message).toContain('ECONNREFUSED');
    await clock.advance(100); // ...and is retried after 100 ms
    await waitFor(() => errors.length >= 2);
    expect(lines.filter((line) => line.startsWith('warn'))).toHaveLength(1); // logged once per outage
    const flushed = await usage.flush().catch((error: unknown) => error);
    expect(UsageStoreError.isInstance(flushed) && flushed.reason).toBe('write-failed');
    expect(usage.pending).toBe(50);
    const unready = await usage.ready().catch((error: unknown) => error);
    expect(UsageStoreError.isInstance(unready) && unready.reason).toBe('unavailable');
    await nowhere.end();
  });

  it('a connection killed during a write loses nothing and stores nothing twice; the retry is reported', async () => {
    const applicationName = `llmr-drop-${randomBytes(4).toString('hex')}`;
    const url = new URL(DATABASE_URL);
    url.searchParams.set('application_name', applicationName);
    const own = createTestPool({ url: url.href, max: 2 });
    const errors: UsageStoreError[] = [];
    const { lines, logger } = recordingLogger();
    const usage = createPostgresUsageTracker({
      pool: own,
      schema,
      tablePrefix: 'drop_',
      logger,
      batchSize: 100,
      flushIntervalMs: 10,
      onError: (error) => errors.push(error),
    });
    await usage.ready();
    // Hold the table so the first write waits on the lock, then kill that write's connection.
    const locker = await pool.connect();
    try {
      await locker.query(`BEGIN; LOCK TABLE "${schema}".drop_usage_records IN EXCLUSIVE MODE`);
      for (let index = 0; index < 250; index++) usage.record(usageRecord({ callId: `d${index}` }));
      const blocked = async () =>
        (
          await pool.query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [applicationName],
          )
        ).rows;
      await waitFor(async () => (await blocked()).length === 1);
      const [{ pid }] = await blocked();
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor(() => errors.length >= 1);
      expect(errors[0]?.reason).toBe('write-failed');
      expect(usage.pending).toBe(250);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    await usage.flush();
    const stored = await pool.query(`SELECT id FROM "${schema}".drop_usage_records ORDER BY seq`);
    expect(stored.rows.map((row) => row.id)).toEqual(Array.from({ length: 250 }, (_, index) => `d${index}`));
    expect(lines.some((line) => line.startsWith('info') && line.includes('again'))).toBe(true);
    await usage.close();
    await own.end();
  });
});
