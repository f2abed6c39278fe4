// Usage ledger benchmark: records/s into the memory and SQLite trackers, and report time over
// 1,000,000 records grouped by user × model. Run: node bench/usage-bench.ts
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UsageRecord } from '../src/types/usage-record.ts';
import { buildUsageReport } from '../src/usage/build-usage-report.ts';
import { createMemoryUsageTracker } from '../src/usage/memory-usage-tracker.ts';
import { createSqliteUsageTracker } from '../src/usage/sqlite-usage-tracker.ts';

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

/** Records as the router makes them: random UUID call ids (as `randomUUID()` gives), time-ordered starts over 30 days. */
function makeRecords(count: number, users: number): UsageRecord[] {
  const next = random(42);
  const start = Date.UTC(2026, 4, 1);
  const spacingMs = (30 * 86_400_000) / count;
  const records: UsageRecord[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const model = Math.floor(next() * MODELS.length);
    const ok = next() > 0.05;
    const inputTokens = ok ? Math.floor(next() * 4_000) : 0;
    const outputTokens = ok ? Math.floor(next() * 1_000) : 0;
    const startedAt = start + Math.floor(index * spacingMs);
    records[index] = {
      id: randomUUID(),
      callId: randomUUID(),
      startedAt,
      finishedAt: startedAt + 800,
      user: `user-${Math.floor(next() * users)}`,
      keyId: `gateway:litellm`,
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
    };
  }
  return records;
}

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');

// Memory tracker: 1,000,000 records into the default bound (100,000 kept, so eviction is measured too).
{
  const records = makeRecords(1_000_000, 1_000);
  const tracker = createMemoryUsageTracker();
  const ms = time(() => {
    for (const record of records) tracker.record(record);
  });
  console.log(
    `memory tracker: ${format((records.length / ms) * 1000)} records/s (${records.length} records, ${format(ms)} ms, ${tracker.size} kept)`,
  );
}

// SQLite tracker: 200,000 records, default batch of 500, then close() (the last flush included).
{
  const directory = mkdtempSync(join(tmpdir(), 'usage-bench-'));
  try {
    const records = makeRecords(200_000, 1_000);
    const tracker = createSqliteUsageTracker({
      path: join(directory, 'usage.sqlite'),
      maxBufferedRecords: 400_000,
    });
    const ms = time(() => {
      for (const record of records) tracker.record(record);
      tracker.close();
    });
    console.log(
      `sqlite tracker: ${format((records.length / ms) * 1000)} records/s (${records.length} records, ${format(ms)} ms)`,
    );
    // Again into the now-filled store: random call ids land on random index pages, so a bigger store is slower.
    const more = makeRecords(200_000, 1_000);
    const appending = createSqliteUsageTracker({
      path: join(directory, 'usage.sqlite'),
      maxBufferedRecords: 400_000,
    });
    const appendMs = time(() => {
      for (const record of more) appending.record(record);
      appending.close();
    });
    console.log(
      `sqlite tracker, store already holding 200,000: ${format((more.length / appendMs) * 1000)} records/s (${more.length} records, ${format(appendMs)} ms)`,
    );
    const reopened = createSqliteUsageTracker({ path: join(directory, 'usage.sqlite') });
    let count = 0;
    const queryMs = time(() => {
      count = reopened.query().length;
    });
    reopened.close();
    console.log(`sqlite query of all ${count} records: ${format(queryMs)} ms`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

// Report over 1,000,000 records grouped by user × model (1,000 users × 4 models).
{
  const records = makeRecords(1_000_000, 1_000);
  buildUsageReport(records.slice(0, 10_000), { groupBy: ['user', 'model'] }); // warm-up
  const runs: number[] = [];
  let rows = 0;
  for (let run = 0; run < 5; run++) {
    runs.push(
      time(() => {
        rows = buildUsageReport(records, { groupBy: ['user', 'model'] }).rows.length;
      }),
    );
  }
  runs.sort((a, b) => a - b);
  console.log(
    `report, 1,000,000 records by user × model: median ${format(runs[2] ?? 0)} ms, worst ${format(runs[4] ?? 0)} ms (${rows} rows)`,
  );
  const tagMs = time(() => {
    rows = buildUsageReport(records, { groupBy: ['day', 'tag'] }).rows.length;
  });
  console.log(`report, 1,000,000 records by day × tag: ${format(tagMs)} ms (${rows} rows)`);
}
