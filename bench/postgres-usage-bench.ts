// PostgreSQL usage ledger benchmark: records/s ingested from one process through the tracker, and
// report time over 1,000,000 records grouped by user × model, computed in SQL.
// Run: npm run bench:postgres (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
// It works in a schema of its own (llmr_bench_<random>) and drops it at the end.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPostgresUsageTracker } from '../src/postgres/create-postgres-usage-tracker.ts';
import type { UsageRecord } from '../src/types/usage-record.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOTAL = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const MODELS = [
  'openai/gpt-5.5',
  'openai/gpt-5.4-mini',
  'anthropic/claude-haiku-4-5',
  'google/gemini-3-flash',
];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'google'] as const;

/** Deterministic generator (mulberry32), so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Records as the router makes them (as bench/usage-bench.ts): UUID ids, 1,000 users, 4 models, 30 days. */
function makeRecords(count: number, users: number, seed: number): UsageRecord[] {
  const next = random(seed);
  const start = Date.UTC(2026, 4, 1);
  const spacingMs = (30 * 86_400_000) / count;
  return Array.from({ length: count }, (_, index) => {
    const model = Math.floor(next() * MODELS.length);
    const ok = next() > 0.05;
    const inputTokens = ok ? Math.floor(next() * 4_000) : 0;
    const outputTokens = ok ? Math.floor(next() * 1_000) : 0;
    const startedAt = start + Math.floor(index * spacingMs);
    const id = randomUUID();
    return {
      id,
      callId: id,
      startedAt,
      finishedAt: startedAt + 800,
      user: `user-${Math.floor(next() * users)}`,
      keyId: 'gateway:litellm',
      provider: PROVIDERS[model],
      model: MODELS[model],
      gateway: next() > 0.2 ? 'litellm' : 'openrouter',
      inputTokens,
      outputTokens,
      cachedInputTokens: 0,
      costUsd: ok ? inputTokens * 7.5e-7 + outputTokens * 4.5e-6 : 0,
      costSource: ok ? 'gateway' : 'none',
      latencyMs: 100 + Math.floor(next() * 3_000),
      timeToFirstTokenMs: undefined,
      attempts: 1,
      fallback: next() < 0.03,
      tags: next() < 0.5 ? ['chat'] : ['batch', 'nightly'],
      status: ok ? 'ok' : 'error',
      errorKind: ok ? undefined : 'server-error',
      stream: false,
    } satisfies UsageRecord;
  });
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');
const pause = () => new Promise((resolve) => setImmediate(resolve));

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
pool.on('error', (error) => console.warn('postgres:', error.message));
const schema = `llmr_bench_${randomBytes(4).toString('hex')}`;
const tracker = createPostgresUsageTracker({ pool, schema, maxBufferedRecords: 200_000 });

try {
  await tracker.ready();
  // Ingest: records handed to record() as fast as the process makes them (in chunks, letting the
  // background writes run), timed until the last one is committed by flush(). Generating the records
  // is not timed.
  const chunk = 100_000;
  let ingestMs = 0;
  for (let done = 0; done < TOTAL; done += chunk) {
    const records = makeRecords(Math.min(chunk, TOTAL - done), 1_000, 42 + done);
    const started = performance.now();
    for (let index = 0; index < records.length; index++) {
      tracker.record(records[index] as UsageRecord);
      if (index % 1_000 === 999) await pause();
      while (tracker.pending > 150_000) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await tracker.flush();
    ingestMs += performance.now() - started;
    if (done === 0)
      console.log(
        `ingest, first ${format(records.length)} records: ${format((records.length / (performance.now() - started)) * 1000)} records/s`,
      );
  }
  console.log(
    `ingest, ${format(TOTAL)} records from one process (batches of 1,000, exactly once by id): ${format((TOTAL / ingestMs) * 1000)} records/s (${format(ingestMs)} ms)`,
  );

  await pool.query(`VACUUM ANALYZE "${schema}".llm_router_usage_records`);
  const time = async (options: Parameters<typeof tracker.report>[0]) => {
    const runs: number[] = [];
    let rows = 0;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      rows = (await tracker.report(options)).rows.length;
      runs.push(performance.now() - started);
    }
    runs.sort((a, b) => a - b);
    return { median: runs[2] ?? 0, worst: runs[4] ?? 0, rows };
  };
  const byUserModel = await time({ groupBy: ['user', 'model'] });
  console.log(
    `report in SQL, ${format(TOTAL)} records by user × model: median ${format(byUserModel.median)} ms, worst ${format(byUserModel.worst)} ms (${byUserModel.rows} rows)`,
  );
  const byDayTag = await time({ groupBy: ['day', 'tag'] });
  console.log(
    `report in SQL, ${format(TOTAL)} records by day × tag: median ${format(byDayTag.median)} ms, worst ${format(byDayTag.worst)} ms (${byDayTag.rows} rows)`,
  );
  const oneUser = await time({ groupBy: ['model'], filter: { user: 'user-7' } });
  console.log(
    `report in SQL, one user's records by model: median ${format(oneUser.median)} ms (${oneUser.rows} rows)`,
  );
} finally {
  await tracker.close().catch(() => {});
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
