/**
 * Many processes, one truth: four worker processes share one USD budget and one rpm limit on Redis
 * and one usage ledger in PostgreSQL.
 *
 *   npm run example:multi-process
 *
 * Needs Redis and PostgreSQL: REDIS_URL (default redis://127.0.0.1:6379) and DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). The gateways are the embedded default: loopback
 * LiteLLM and OpenRouter servers from the test kit, started here and shared by the workers. Each
 * worker prints its calls and spend; then the total against the budget and the shared report.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRouter, RouterError } from '@bestviable/llm-router';
import { createPostgresUsageTracker } from '@bestviable/llm-router/postgres';
import { createRedisLimitStore } from '@bestviable/llm-router/redis';
import { startLiteLLMServer, startOpenRouterServer } from '@bestviable/llm-router/testing';
import pg from 'pg';
import { createClient } from 'redis';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORKERS = 4;
const CALLS_PER_WORKER = 25;
const BUDGET_USD = 0.001; // per day, for user "team", shared by every worker
const RPM = 60; // requests per minute to OpenAI models, shared by every worker

interface Plan {
  readonly worker: number;
  readonly litellm: string;
  readonly openrouter: string;
  readonly keyPrefix: string;
  readonly schema: string;
}

/** The router every worker builds: same limits, same Redis prefix, same ledger. */
async function workerRouter(plan: Plan) {
  const redis = createClient({ url: REDIS_URL });
  redis.on('error', () => {});
  await redis.connect();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  pool.on('error', () => {});
  const router = createRouter({
    logger: false,
    gateways: {
      litellm: { baseURL: plan.litellm, apiKey: 'sk-demo-litellm' },
      openrouter: { baseURL: plan.openrouter, apiKey: 'sk-or-v1-demo' },
    },
    providers: { openai: { limits: { requestsPerMinute: RPM } } },
    limits: {
      users: { team: { budgetUsdPerDay: BUDGET_USD } },
      store: createRedisLimitStore({ client: redis, keyPrefix: plan.keyPrefix }),
    },
    usage: createPostgresUsageTracker({ pool, schema: plan.schema }),
  });
  return {
    router,
    async close() {
      await router.close(); // writes every usage record
      await pool.end();
      await redis.quit();
    },
  };
}

async function runWorker(plan: Plan): Promise<void> {
  const { router, close } = await workerRouter(plan);
  let ok = 0;
  let refused = 0;
  let spent = 0;
  await Promise.all(
    Array.from({ length: CALLS_PER_WORKER }, async (_, index) => {
      try {
        const reply = await router.chat({
          model: 'openai/gpt-5.4-mini',
          user: 'team',
          maxTokens: 40,
          messages: [
            { role: 'user', content: `Worker ${plan.worker}, question ${index}: summarise the ticket.` },
          ],
        });
        ok++;
        spent += reply.cost.usd;
      } catch (error) {
        if (!RouterError.isInstance(error)) throw error;
        refused++; // over the shared budget or rate limit
      }
    }),
  );
  await close();
  console.log(
    `  worker ${plan.worker} (pid ${process.pid}): ${ok} calls answered, ${refused} refused, spent $${spent.toFixed(6)}`,
  );
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
    function done(ok: boolean) {
      socket.destroy();
      resolve(ok);
    }
  });
}

async function main(): Promise<void> {
  const missing: string[] = [];
  if (!(await reachable(REDIS_URL, 6379)))
    missing.push(`Redis at ${REDIS_URL} (start one: redis-server --port 6379 --save "", or set REDIS_URL)`);
  if (!(await reachable(DATABASE_URL, 5432)))
    missing.push(`PostgreSQL at ${DATABASE_URL} (start one, or set DATABASE_URL)`);
  if (missing.length > 0) {
    console.error(
      `This example shares limits and the ledger between processes, so it needs:\n  ${missing.join('\n  ')}`,
    );
    process.exitCode = 1;
    return;
  }

  const litellm = await startLiteLLMServer({ apiKey: 'sk-demo-litellm', latencyMs: 5 });
  const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-demo', latencyMs: 10 });
  litellm.fail({ status: 503 }, { times: 1_000, probability: 0.2 }); // some calls fall back to OpenRouter
  const schema = `llm_router_example_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  const keyPrefix = `llm-router-example:${randomUUID()}`;
  console.log(
    `${WORKERS} workers × ${CALLS_PER_WORKER} calls, one budget of $${BUDGET_USD}/day and ${RPM} rpm on Redis, one ledger in PostgreSQL:`,
  );

  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: WORKERS }, (_, worker) => {
      const plan: Plan = {
        worker,
        litellm: litellm.baseURL,
        openrouter: openrouter.baseURL,
        keyPrefix,
        schema,
      };
      const child = spawn(process.execPath, [self, 'worker', JSON.stringify(plan)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      createInterface({ input: child.stdout }).on('line', (line) => console.log(line));
      return new Promise<void>((resolve, reject) =>
        child.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`worker ${worker} exited with ${code}`)),
        ),
      );
    }),
  );

  // The shared ledger, read by one more router: every worker's calls, once each.
  const { router, close } = await workerRouter({
    worker: -1,
    litellm: litellm.baseURL,
    openrouter: openrouter.baseURL,
    keyPrefix,
    schema,
  });
  const report = await router.usage.report({ groupBy: ['gateway'] });
  const [budget] = (await router.limits.status(['user:team'])).filter(
    (status) => status.limit === 'budgetUsdPerDay',
  );
  console.log(
    `\nTotal: ${report.totals.requests} calls recorded, $${report.totals.costUsdExact} spent of the $${BUDGET_USD} budget (Redis says $${budget?.used.toFixed(6)} used).`,
  );
  console.log(
    `Gateways billed $${((litellm.reportedCostNanoUsd + openrouter.reportedCostNanoUsd) / 1e9).toFixed(9)}.`,
  );
  console.table(
    report.rows.map((row) => ({
      gateway: row.group.gateway,
      calls: row.requests,
      failures: row.failures,
      usd: row.costUsdExact,
    })),
  );
  await close();
  const cleanup = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await cleanup.end();
  await litellm.close();
  await openrouter.close();
}

if (process.argv[2] === 'worker') await runWorker(JSON.parse(process.argv[3] ?? '{}') as Plan);
else await main();
