import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DATABASE_URL, describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('processes');
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

/**
 * Starts a writer process: `go()` starts it, `half` resolves once it wrote half its records and
 * waits, `resume()` lets it finish; `done` resolves with its start and end times once it exits with 0.
 */
function writer(name: string, own: number, shared: number) {
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'fixtures', 'write-usage-records.ts'),
      DATABASE_URL,
      schema,
      name,
      String(own),
      String(shared),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  let halfway: () => void = () => {};
  const half = new Promise<void>((resolve) => {
    halfway = resolve;
  });
  child.stdout.on('data', (chunk) => {
    output += chunk;
    if (output.startsWith('half\n')) halfway();
  });
  const done = new Promise<{ startedAt: number; finishedAt: number }>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output.slice('half\n'.length).trim()))
        : reject(new Error(`writer ${name} exited with ${code}`)),
    );
  });
  return { go: () => child.stdin.write('go\n'), half, resume: () => child.stdin.end('go\n'), done };
}

describePostgres('PostgreSQL usage ledger shared by several processes', () => {
  it('three processes creating the tables and writing the same and different records: each stored once', async () => {
    const own = 4_000;
    const shared = 3_000;
    const writers = ['ada', 'bob', 'cyra'].map((name) => writer(name, own, shared));
    for (const started of writers) started.go();
    // Each waits halfway until all are there, so they really run at the same time.
    await Promise.all(writers.map((started) => started.half));
    for (const started of writers) started.resume();
    const times = await Promise.all(writers.map((started) => started.done));
    const lastStart = Math.max(...times.map((time) => time.startedAt));
    const firstEnd = Math.min(...times.map((time) => time.finishedAt));
    expect(lastStart).toBeLessThan(firstEnd);

    const table = `"${schema}".llm_router_usage_records`;
    const counts = await pool.query(
      `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, count(*) FILTER (WHERE id LIKE 'shared-%')::int AS shared FROM ${table}`,
    );
    expect(counts.rows[0]).toEqual({ rows: 3 * own + shared, ids: 3 * own + shared, shared });
    const perWriter = await pool.query(
      `SELECT user_id, count(*)::int AS n FROM ${table} WHERE id NOT LIKE 'shared-%' GROUP BY user_id ORDER BY user_id`,
    );
    expect(perWriter.rows).toEqual([
      { user_id: 'ada', n: own },
      { user_id: 'bob', n: own },
      { user_id: 'cyra', n: own },
    ]);
    const versions = await pool.query(
      `SELECT component, version FROM "${schema}".llm_router_schema_versions`,
    );
    expect(versions.rows).toEqual([{ component: 'usage', version: 1 }]);
  }, 120_000);
});
