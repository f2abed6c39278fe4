import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresUsageTracker } from '../../src/postgres/create-postgres-usage-tracker.ts';
import type { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { usageRecord } from '../usage/generate-records.ts';
import { createTestPool } from './postgres-test-database.ts';
import { POSTGRES_BIN, type PrivatePostgres, startPrivatePostgres } from './private-postgres.ts';
import { waitFor } from './wait-for.ts';

// A server of this test's own (initdb on a free port), so it can be killed and restarted.
const hasBinaries = existsSync(`${POSTGRES_BIN}/initdb`);
if (!hasBinaries) {
  const message = `PostgreSQL binaries not found in ${POSTGRES_BIN}; install postgresql-15 or set POSTGRES_BIN`;
  if (process.env.LLM_ROUTER_REQUIRE_SERVICES === '1') throw new Error(message);
  console.warn(`skipping the PostgreSQL restart test: ${message}`);
}

(hasBinaries ? describe : describe.skip)('PostgreSQL usage tracker across a server crash and restart', () => {
  let server: PrivatePostgres;
  beforeAll(async () => {
    server = await startPrivatePostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
  }, 60_000);

  it('loses nothing and stores nothing twice while the server is killed and restarted mid-run', async () => {
    const pool = createTestPool({ url: server.url, max: 2 });
    const errors: UsageStoreError[] = [];
    const usage = createPostgresUsageTracker({
      pool,
      batchSize: 100,
      flushIntervalMs: 20,
      flushTimeoutMs: 60_000,
      logger: false,
      onError: (error) => errors.push(error),
    });
    await usage.ready();
    const ids: string[] = [];
    const recordSome = async (count: number) => {
      for (let index = 0; index < count; index++) {
        const id = `call-${ids.length}`;
        ids.push(id);
        usage.record(usageRecord({ callId: id, user: `u${ids.length % 7}` }));
        if (index % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5)); // calls keep coming
      }
    };
    await recordSome(1_500);
    await server.stop('immediate'); // as a crash: no checkpoint, writes in flight cut
    await recordSome(1_500); // calls go on while the ledger is down
    await waitFor(() => errors.some((error) => error.reason === 'write-failed'));
    expect(usage.pending).toBeGreaterThan(0);
    await server.start();
    await recordSome(1_000);
    await usage.flush();
    const stored = await pool.query('SELECT id FROM llm_router_usage_records ORDER BY seq');
    const storedIds = stored.rows.map((row) => row.id as string);
    expect(storedIds).toHaveLength(ids.length);
    expect(new Set(storedIds).size).toBe(ids.length);
    expect([...storedIds].sort()).toEqual([...ids].sort());
    const report = await usage.report({ groupBy: ['user'] });
    expect(report.totals.requests).toBe(4_000);
    await usage.close();
    await pool.end();
  }, 120_000);
});
