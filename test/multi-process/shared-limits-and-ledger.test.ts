import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createPostgresUsageTracker } from '../../src/postgres/index.ts';
import { type ChatServer, startLiteLLMServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { DATABASE_URL, describeWithServices, REDIS_URL } from '../helpers/services.ts';

// Issue 11's scenario end to end: 4 application processes × 50 concurrent calls, each with its own
// router over the same loopback gateways, sharing limits on one Redis and the usage ledger in one
// PostgreSQL. Whatever the interleaving, the limits hold over all processes together, and the
// ledger holds every call exactly once, adding up to what the gateways billed.

const describeShared = await describeWithServices(['redis', 'postgres']);
const WORKER = fileURLToPath(new URL('./router-worker.ts', import.meta.url));
const LITELLM_KEY = 'sk-litellm-multi-process-0123456789';
const OPENROUTER_KEY = 'sk-or-v1-multi-process-0123456789abcdef';
const WORKERS = 4;
const CALLS = 50;

interface WorkerResult {
  readonly worker: number;
  readonly outcomes: Record<string, number>;
  readonly spentUsd: number;
  readonly callIds: string[];
  readonly untyped: string[];
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function startWorker(settings: Record<string, unknown>) {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiting = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiting) wake();
  });
  const next = (field: string, timeoutMs: number) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => field in line);
        if (!found) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`worker sent no "${field}" within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.add(check);
      check();
    });
  return { child, next, go: () => child.stdin?.write('go\n') };
}

/** Every worker's clock starts one second into a minute, so the burst stays in one rpm window. */
function minuteAlignedShift(): number {
  const now = Date.now();
  return Math.ceil(now / 60_000) * 60_000 + 1_000 - now;
}

describeShared('4 processes × 50 concurrent calls on one Redis and one PostgreSQL ledger', () => {
  let litellm: ChatServer;
  let openrouter: ChatServer;
  let pool: pg.Pool;
  const schemas: string[] = [];

  beforeAll(async () => {
    litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY });
    openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY });
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await litellm.close();
    await openrouter.close();
  });

  async function run(
    limits: { providerLimits: object; userLimits: object; maxTokens: number },
    litellmFailureShare = 0,
  ) {
    const schema = `mp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    schemas.push(schema);
    const billedBefore = litellm.reportedCostNanoUsd + openrouter.reportedCostNanoUsd;
    // Failures on LiteLLM move those calls to OpenRouter, so that both gateways bill.
    if (litellmFailureShare > 0)
      litellm.fail({ status: 503 }, { times: 1_000, probability: litellmFailureShare });
    const clockShiftMs = minuteAlignedShift();
    const keyPrefix = `test:mp:${randomUUID()}`; // one store shared by every worker of the run
    const workers = Array.from({ length: WORKERS }, (_, worker) =>
      startWorker({
        worker,
        litellmUrl: litellm.baseURL,
        openrouterUrl: openrouter.baseURL,
        litellmKey: LITELLM_KEY,
        openrouterKey: OPENROUTER_KEY,
        redisUrl: REDIS_URL,
        databaseUrl: DATABASE_URL,
        schema,
        keyPrefix,
        clockShiftMs,
        calls: CALLS,
        ...limits,
      }),
    );
    await Promise.all(workers.map((worker) => worker.next('ready', 60_000)));
    for (const worker of workers) worker.go();
    const results = (await Promise.all(workers.map((worker) => worker.next('result', 120_000)))).map(
      (line) => line.result as WorkerResult,
    );
    litellm.clearFaults();
    const reader = createPostgresUsageTracker({ pool, schema });
    const ledger = await reader.query();
    await reader.close();
    const billedNanoUsd = litellm.reportedCostNanoUsd + openrouter.reportedCostNanoUsd - billedBefore;
    return { results, ledger, billedNanoUsd };
  }

  function expectOneRecordPerCall(results: readonly WorkerResult[], ledger: readonly { callId: string }[]) {
    const called = results.flatMap((result) => result.callIds).sort();
    expect(called).toHaveLength(WORKERS * CALLS);
    expect(ledger.map((record) => record.callId).sort()).toEqual(called);
    for (const result of results) expect(result.untyped).toEqual([]);
  }

  test('an rpm limit admits exactly its size over all processes; the ledger adds up to what was billed', async () => {
    const { results, ledger, billedNanoUsd } = await run({
      providerLimits: { requestsPerMinute: 37 },
      userLimits: { budgetUsdPerDay: 100 },
      maxTokens: 50,
    });
    const ok = results.reduce((sum, result) => sum + (result.outcomes.ok ?? 0), 0);
    const refused = results.reduce((sum, result) => sum + (result.outcomes.limit ?? 0), 0);
    expect(ok).toBe(37);
    expect(refused).toBe(WORKERS * CALLS - 37); // every other call refused by the limit, typed
    expectOneRecordPerCall(results, ledger);
    const ledgerNanoUsd = ledger.reduce((sum, record) => sum + Math.round(record.costUsd * 1e9), 0);
    expect(ledgerNanoUsd).toBe(billedNanoUsd);
    expect(ledger.filter((record) => record.status === 'ok')).toHaveLength(37);
  }, 180_000);

  test('a per-user USD budget is never overshot by all processes together (maxTokens set)', async () => {
    const budgetUsd = 0.002;
    const { results, ledger, billedNanoUsd } = await run(
      {
        providerLimits: {},
        userLimits: { budgetUsdPerDay: budgetUsd },
        maxTokens: 50,
      },
      0.2,
    );
    const ok = results.reduce((sum, result) => sum + (result.outcomes.ok ?? 0), 0);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(WORKERS * CALLS); // the budget did bind
    expectOneRecordPerCall(results, ledger);
    const ledgerNanoUsd = ledger.reduce((sum, record) => sum + Math.round(record.costUsd * 1e9), 0);
    expect(ledgerNanoUsd).toBe(billedNanoUsd);
    expect(ledgerNanoUsd).toBeLessThanOrEqual(budgetUsd * 1e9);
  }, 180_000);
});
