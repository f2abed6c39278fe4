// One application process for the multi-process test: its own router over the loopback gateways,
// limits on the shared Redis, the usage ledger in the shared PostgreSQL.
// Run: node test/multi-process/router-worker.ts <json settings>. Writes {"ready":true} once
// connected, waits for a "go" line on stdin, runs `calls` calls at once, closes the router (which
// writes the ledger) and writes one result line: {"result": {...}}.
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createClient } from 'redis';
import { createRouter, LimitExceededError, RouterError } from '../../src/index.ts';
import { createPostgresUsageTracker } from '../../src/postgres/index.ts';
import { createRedisLimitStore } from '../../src/redis/index.ts';
import type { Clock } from '../../src/types/clock.ts';
import type { LimitSettings } from '../../src/types/limit-settings.ts';

interface WorkerSettings {
  readonly worker: number;
  readonly litellmUrl: string;
  readonly openrouterUrl: string;
  readonly litellmKey: string;
  readonly openrouterKey: string;
  readonly redisUrl: string;
  readonly databaseUrl: string;
  readonly schema: string;
  readonly keyPrefix: string;
  /** Added to Date.now(): every worker shares it, so all see the same minute window. */
  readonly clockShiftMs: number;
  readonly calls: number;
  readonly maxTokens: number;
  readonly providerLimits: LimitSettings;
  readonly userLimits: LimitSettings;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const clock: Clock = {
  now: () => Date.now() + settings.clockShiftMs,
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return { cancel: () => clearTimeout(timer) };
  },
};

const redis = createClient({ url: settings.redisUrl });
redis.on('error', () => {});
await redis.connect();
const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 4 });
pool.on('error', () => {});

const router = createRouter({
  clock,
  logger: false,
  gateways: {
    litellm: { baseURL: settings.litellmUrl, apiKey: settings.litellmKey },
    openrouter: { baseURL: settings.openrouterUrl, apiKey: settings.openrouterKey },
  },
  providers: {
    openai: { limits: settings.providerLimits },
    anthropic: { enabled: false },
    google: { enabled: false },
    cohere: { enabled: false },
    mistral: { enabled: false },
  },
  limits: {
    users: { team: settings.userLimits },
    store: createRedisLimitStore({ client: redis, keyPrefix: settings.keyPrefix }),
  },
  usage: createPostgresUsageTracker({ pool, schema: settings.schema }),
});

say({ ready: true });
await new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once('line', () => resolve());
});

const outcomes: Record<string, number> = {};
const callIds: string[] = [];
let spentUsd = 0;
const untyped: string[] = [];
await Promise.all(
  Array.from({ length: settings.calls }, async (_, index) => {
    const callId = `w${settings.worker}-${index}`;
    callIds.push(callId);
    try {
      const reply = await router.chat({
        model: 'openai/gpt-5.4-mini',
        user: 'team',
        callId,
        maxTokens: settings.maxTokens,
        messages: [
          {
            role: 'user',
            content: `question ${index} from worker ${settings.worker}: ${'context '.repeat(index % 7)}`,
          },
        ],
      });
      outcomes.ok = (outcomes.ok ?? 0) + 1;
      spentUsd += reply.cost.usd;
    } catch (error) {
      const refusedByLimit =
        RouterError.isInstance(error) &&
        (LimitExceededError.isInstance(error) ||
          (error as { errors?: readonly { kind?: string }[] }).errors?.every(
            (e) => e.kind === 'limit-exceeded',
          ) === true);
      const name = refusedByLimit ? 'limit' : error instanceof Error ? error.name : typeof error;
      outcomes[name] = (outcomes[name] ?? 0) + 1;
      if (!RouterError.isInstance(error)) untyped.push(String(error));
    }
  }),
);
await router.close();
await pool.end();
await redis.quit();
say({ result: { worker: settings.worker, outcomes, spentUsd, callIds, untyped } });
