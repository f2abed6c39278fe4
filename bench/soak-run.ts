/**
 * The soak run: many calls, chat and stream, mixed users and BYOK keys, through loopback LiteLLM and
 * OpenRouter while faults are injected at random on both. At the end it checks the router's
 * promises and returns every violation it found (an empty list means all held).
 *
 * Used by `npm run soak` (bench/soak.ts, 20,000+ calls) and, shorter, by the test suite.
 */
import { inspect } from 'node:util';
import {
  type ChatOptions,
  createRouter,
  type Logger,
  type ProviderId,
  RouterError,
  type UsageRecord,
} from '../src/index.ts';
import {
  createKeyValidator,
  createKeyVault,
  createLocalCipher,
  createMemoryKeyRecordStore,
  generateMasterKey,
} from '../src/keys/index.ts';
import {
  type ChatServer,
  type LoopbackFault,
  startLiteLLMServer,
  startOpenRouterServer,
  startProviderKeyServers,
} from '../src/testing/index.ts';
import { createMemoryUsageTracker, usdToNanoUsd } from '../src/usage/index.ts';

export interface SoakOptions {
  /** Calls to make. */
  readonly calls: number;
  /** Calls in flight at once. @default 48 */
  readonly concurrency?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly calls: number;
  readonly durationMs: number;
  /** How calls ended: `ok`, `aborted`, or the error's class name. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Every broken promise found; empty when all held. */
  readonly violations: readonly string[];
  readonly figures: Readonly<Record<string, number | string>>;
}

const LITELLM_KEY = 'sk-soak-litellm-virtual-4f8a2c9e';
const OPENROUTER_KEY = 'sk-or-v1-soak-account-7d3b1e5a9c';
const USERS = Array.from({ length: 12 }, (_, index) => `user-${index}`);
const BYOK_USERS = USERS.slice(0, 4);
const byokKey = (user: string, provider: ProviderId) => `byok-${provider}-${user}-c0ffee1234`;
const MODELS = [
  'openai/gpt-5.4-mini',
  'anthropic/claude-haiku-4-5',
  'google/gemini-2.5-flash-lite',
  'mistral/mistral-small-latest',
];
// Long enough that only injected hangs time out, not a busy machine's queueing: an answer the
// client gave up on would be charged upstream and missing from the ledger.
const ATTEMPT_TIMEOUT_MS = 3_000;
const CALL_TIMEOUT_MS = 10_000;
const OPENAI_BUDGET_USD = 0.05;

// Faults on every chat request, each drawn on its own (see FaultOptions.probability).
const LITELLM_FAULTS: [LoopbackFault, number, boolean?][] = [
  [{ status: 503, message: 'No deployments available for selected model' }, 0.03],
  [{ status: 500, message: 'litellm.InternalServerError: boom' }, 0.03],
  [{ status: 429, message: 'rate limited', retryAfterSeconds: 1 }, 0.002],
  [{ reset: true }, 0.02],
  [{ hang: true }, 0.002],
  [{ malformed: true }, 0.01],
  [{ cutAfterChunks: 2 }, 0.03, true],
  [{ errorAfterChunks: 1, message: 'upstream broke', code: 502 }, 0.02, true],
  [{ errorAfterChunks: 0, message: 'upstream refused', code: 503 }, 0.02, true],
];
const OPENROUTER_FAULTS: [LoopbackFault, number, boolean?][] = [
  [{ status: 502, message: 'provider down' }, 0.02],
  [{ status: 429, message: 'slow down', retryAfterSeconds: 1 }, 0.002],
  [{ reset: true }, 0.01],
  [{ hang: true }, 0.001],
  [{ cutAfterChunks: 3 }, 0.02, true],
  [{ errorAfterChunks: 2, message: 'Provider returned error', code: 502 }, 0.02, true],
];

function inject(server: ChatServer, faults: [LoopbackFault, number, boolean?][]): void {
  for (const [fault, probability, stream] of faults) {
    server.fail(fault, {
      times: Number.POSITIVE_INFINITY,
      probability,
      ...(stream === undefined ? {} : { stream }),
    });
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const violations: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);

  const acceptedKeys = new Set(
    BYOK_USERS.flatMap((user) => [byokKey(user, 'openai'), byokKey(user, 'anthropic')]),
  );
  const litellm = await startLiteLLMServer({
    apiKey: LITELLM_KEY,
    record: false,
    acceptProviderKey: (key) => acceptedKeys.has(key),
  });
  const openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY, record: false });
  const validation = await startProviderKeyServers({
    openai: Object.fromEntries(BYOK_USERS.map((user) => [byokKey(user, 'openai'), 'valid' as const])),
    anthropic: Object.fromEntries(BYOK_USERS.map((user) => [byokKey(user, 'anthropic'), 'valid' as const])),
  });
  // Everything logged, emitted or thrown is searched for keys as it happens (and not kept, so the
  // run's memory is the router's).
  const secrets = [
    LITELLM_KEY,
    OPENROUTER_KEY,
    ...BYOK_USERS.flatMap((user) => [byokKey(user, 'openai'), byokKey(user, 'anthropic')]),
  ];
  let scanned = 0;
  const scan = (value: unknown) => {
    scanned++;
    const text = inspect(value, { depth: 8, maxArrayLength: null, maxStringLength: null }) + safeJson(value);
    for (const secret of secrets) {
      if (text.includes(secret))
        violations.push(`a key (…${secret.slice(-4)}) appeared in: ${text.slice(0, 200)}`);
    }
  };
  const capture = (level: string) => (message: string, details?: Record<string, unknown>) =>
    scan({ level, message, details });
  const logger: Logger = {
    debug: capture('debug'),
    info: capture('info'),
    warn: capture('warn'),
    error: capture('error'),
  };
  const vault = createKeyVault({
    cipher: createLocalCipher({ masterKey: generateMasterKey(), env: {} }),
    store: createMemoryKeyRecordStore(),
    validator: createKeyValidator({ baseURLs: validation.baseURLs }),
    logger,
  });
  for (const user of BYOK_USERS) {
    await vault.add({ provider: 'openai', user, apiKey: byokKey(user, 'openai') });
    await vault.add({ provider: 'anthropic', user, apiKey: byokKey(user, 'anthropic') });
  }
  const tracker = createMemoryUsageTracker({ maxRecords: options.calls * 2 });
  const router = createRouter({
    logger,
    keys: vault,
    byok: 'preferred',
    usage: tracker,
    gateways: {
      litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY },
      openrouter: { baseURL: openrouter.baseURL, apiKey: OPENROUTER_KEY },
    },
    providers: {
      openai: { limits: { budgetUsdPerDay: OPENAI_BUDGET_USD } },
      anthropic: {},
      google: {},
      mistral: {},
    },
    // Each user's share of the run, a little short of it: some calls meet the limit, most do not.
    limits: { users: { '*': { requestsPerMinute: Math.ceil((options.calls / USERS.length) * 0.97) } } },
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    timeoutMs: CALL_TIMEOUT_MS,
    retry: { maxRetries: 2, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 300 },
    breaker: { volumeThreshold: 10, resetTimeoutMs: 1_000, probeIntervalMs: 200, consecutiveFailures: 5 },
  });
  const events: Record<string, number> = {};
  let usageEvents = 0;
  const usageIds = new Set<string>();
  for (const name of [
    'fallback',
    'attempt-error',
    'call-error',
    'breaker-open',
    'breaker-half-open',
    'breaker-close',
    'limit-reached',
    'quota-exhausted',
    'key-disabled',
    'tracker-error',
  ] as const) {
    router.on(name, (event: unknown) => {
      events[name] = (events[name] ?? 0) + 1;
      scan(event);
    });
  }
  router.on('usage', (record) => {
    usageEvents++;
    if (usageIds.has(record.callId)) violations.push(`usage event twice for call ${record.callId}`);
    usageIds.add(record.callId);
  });

  inject(litellm, LITELLM_FAULTS);
  inject(openrouter, OPENROUTER_FAULTS);

  // Outages: LiteLLM refuses connections for 100 finished calls out of every 300, counted in calls
  // rather than milliseconds so that every run has outages whatever the machine's speed (its breaker
  // must open, then close again).
  let outageChanges: Promise<void> = Promise.resolve();
  const outageTick = (finishedCalls: number) => {
    if (finishedCalls % 300 === 100) outageChanges = outageChanges.then(() => litellm.down());
    if (finishedCalls % 300 === 200) outageChanges = outageChanges.then(() => litellm.up());
  };

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const memoryStart = process.memoryUsage();
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  let next = 0;
  let finished = 0;
  const callIds = new Set<string>();

  const oneCall = async (index: number) => {
    const user = pick(USERS);
    const request: ChatOptions = {
      ...(Math.random() < 0.8 ? { model: pick(MODELS) } : { require: { tools: true } }),
      user,
      tags: [index % 2 === 0 ? 'even' : 'odd'],
      maxTokens: 200,
      callId: `soak-${index}`,
      messages: [{ role: 'user', content: `question ${index}: ${'context '.repeat(20 + (index % 30))}` }],
    };
    callIds.add(request.callId as string);
    const stream = Math.random() < 0.5;
    let watchdog: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((resolve) => {
      watchdog = setTimeout(() => resolve('hang'), CALL_TIMEOUT_MS + 3_000);
    });
    const work = (async () => {
      if (!stream) return router.chat(request);
      const chatStream = router.stream(request);
      for await (const _ of chatStream);
      return chatStream.result;
    })();
    try {
      const outcome = await Promise.race([work, hang]);
      if (outcome === 'hang') {
        violations.push(
          `call ${request.callId} (${stream ? 'stream' : 'chat'}) did not settle within its deadline`,
        );
        outcomes.hang = (outcomes.hang ?? 0) + 1;
      } else {
        const status = 'status' in outcome && outcome.status === 'aborted' ? 'aborted' : 'ok';
        outcomes[status] = (outcomes[status] ?? 0) + 1;
      }
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      outcomes[name] = (outcomes[name] ?? 0) + 1;
      if (!RouterError.isInstance(error))
        violations.push(`call ${request.callId} threw an untyped ${name}: ${String(error)}`);
      scan(error);
    } finally {
      clearTimeout(watchdog);
      finished++;
      outageTick(finished);
      if (finished % 2_000 === 0) log(`  ${finished} calls, ${Math.round(performance.now() - started)} ms`);
    }
  };

  await Promise.all(
    Array.from({ length: options.concurrency ?? 48 }, async () => {
      for (let index = next++; index < options.calls; index = next++) await oneCall(index);
    }),
  );
  const durationMs = performance.now() - started;
  await outageChanges;
  await litellm.up();

  // The breaker must close again once LiteLLM is back: a few healthy calls let its probe through.
  litellm.clearFaults();
  for (
    let round = 0;
    round < 50 &&
    router.breakers().some((breaker) => breaker.name === 'litellm' && breaker.state !== 'closed');
    round++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await router
      .chat({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'probe' }] })
      .catch(() => undefined);
  }
  await router.close();

  // Every call returned or threw one of our errors; nothing went unhandled.
  if (unhandled.length > 0)
    violations.push(`${unhandled.length} unhandled rejection(s), first: ${String(unhandled[0])}`);
  // Exactly one usage record per finished call, ids unique (the closing probes included).
  const records = tracker.query() as UsageRecord[];
  const soakRecords = records.filter((record) => callIds.has(record.callId));
  if (soakRecords.length !== options.calls)
    violations.push(`usage records ${soakRecords.length} != calls ${options.calls}`);
  if (new Set(records.map((record) => record.callId)).size !== records.length)
    violations.push('duplicate call ids in the ledger');
  if (usageEvents !== records.length)
    violations.push(`usage events ${usageEvents} != records ${records.length}`);
  // The ledger's gateway-reported cost equals what the upstreams reported in answers they sent.
  const ledgerNano = records
    .filter((record) => record.costSource === 'gateway')
    .reduce((sum, record) => sum + usdToNanoUsd(record.costUsd), 0);
  const upstreamNano = litellm.reportedCostNanoUsd + openrouter.reportedCostNanoUsd;
  if (ledgerNano !== upstreamNano)
    violations.push(`ledger gateway cost ${ledgerNano} nano-USD != upstream reported ${upstreamNano}`);
  // The OpenAI daily budget was never exceeded (estimates reserve prompt + maxTokens).
  const openaiSpend = records
    .filter((record) => record.provider === 'openai' && record.status !== 'error')
    .reduce((sum, record) => sum + record.costUsd, 0);
  if (openaiSpend > OPENAI_BUDGET_USD + 1e-12)
    violations.push(`openai spend ${openaiSpend} > budget ${OPENAI_BUDGET_USD}`);
  // Breakers opened and closed again.
  if (!events['breaker-open']) violations.push('no breaker opened during the outages');
  if (!events['breaker-close']) violations.push('no breaker closed again after the outages');
  if (router.breakers().some((breaker) => breaker.state !== 'closed'))
    violations.push('a breaker is still not closed at the end');
  // No key in the ledger either (the logs, events and errors were searched as they came).
  scan(records);
  // Memory bounded: the live heap grows by the ledger's records (bounded by maxRecords) and no
  // more; 64 MB leaves room for those and the runtime's own caches.
  const heapGrowthMb = (process.memoryUsage().heapUsed - memoryStart.heapUsed) / 2 ** 20;
  if (gc && heapGrowthMb > 64) violations.push(`live heap grew by ${heapGrowthMb.toFixed(1)} MB`);

  process.off('unhandledRejection', onUnhandled);
  await Promise.all([litellm.close(), openrouter.close(), validation.close()]);
  gc?.();
  const memoryEnd = process.memoryUsage();
  return {
    calls: options.calls,
    durationMs,
    outcomes,
    violations,
    figures: {
      'calls/s': Math.round((options.calls / durationMs) * 1000),
      'LiteLLM chat requests': litellm.chatCount,
      'OpenRouter chat requests': openrouter.chatCount,
      ...Object.fromEntries(Object.entries(events).map(([name, count]) => [`${name} events`, count])),
      'openai spend USD': openaiSpend.toFixed(6),
      'ledger gateway cost USD': (ledgerNano / 1e9).toFixed(9),
      'values searched for keys': scanned,
      'RSS growth MB': ((memoryEnd.rss - memoryStart.rss) / 2 ** 20).toFixed(1),
      'heap growth MB': ((memoryEnd.heapUsed - memoryStart.heapUsed) / 2 ** 20).toFixed(1),
    },
  };
}
