/**
 * npm run bench: the router's cost over the raw `openai` client, side by side in one run.
 *
 * The upstream runs in its own process (bench/upstream.ts), so its CPU is not counted here. Each
 * scenario measures plain fetch (the floor), the raw openai client (the baseline a router built on
 * it can only add to), and router.chat() / router.stream() with everything on: ranking over the
 * full catalog, breakers, retries, events with listeners, the usage tracker.
 *
 * The AI SDK (`generateText` / `streamText` over `@ai-sdk/openai-compatible`) is measured beside
 * them, as the other common way to call one gateway.
 *
 * Options: BENCH_SCALE=0.2 for a quick run (fewer requests per scenario).
 */

import { spawnSync } from 'node:child_process';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { createRouter, type Router, type Transport } from '@bestviable/llm-router';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { canPin, startUpstream, type UpstreamProcess } from './upstream-process.ts';

// Pin this client process to core 0 (the upstreams take core 1) so CPU figures are not disturbed.
if (process.env.BENCH_PINNED !== '1' && canPin()) {
  const pinned = spawnSync(
    'taskset',
    ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PINNED: '1' },
    },
  );
  process.exit(pinned.status ?? 1);
}

const scale = Number(process.env.BENCH_SCALE ?? 1);
const messages = [{ role: 'user' as const, content: 'Summarise the ticket in one line.' }];
const benchCall = { messages, user: 'bench-user', tags: ['bench'] };
const MODEL = 'cohere_chat/command-r7b-12-2024'; // what the router's cheapest ranking picks on LiteLLM

interface Metrics {
  readonly requests: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuUs: number;
  readonly peakRssMb: number;
}

function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

async function measure(
  run: () => Promise<unknown>,
  total: number,
  concurrency: number,
  warmup = Math.min(500, total),
): Promise<Metrics> {
  const pump = async (count: number, onEach?: (index: number, ms: number, ok: boolean) => void) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let index = next++; index < count; index = next++) {
          const start = performance.now();
          let ok = true;
          try {
            await run();
          } catch {
            ok = false;
          }
          onEach?.(index, performance.now() - start, ok);
        }
      }),
    );
  };
  await pump(warmup);
  (globalThis as { gc?: () => void }).gc?.();
  const latencies = new Float64Array(total);
  let errors = 0;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 25);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  await pump(total, (index, ms, ok) => {
    latencies[index] = ms;
    if (!ok) errors++;
  });
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  latencies.sort();
  return {
    requests: total,
    errors,
    rps: (total / elapsed) * 1000,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuUs: (cpu.user + cpu.system) / total,
    peakRssMb: peakRss / 2 ** 20,
  };
}

/**
 * Measures each client in turn, `rounds` times, interleaved (a, b, c, a, b, c, …), and keeps each
 * figure's median: a noisy neighbour or a GC pause then skews one round of one client, not the
 * comparison.
 */
async function compare(
  clients: Record<string, () => Promise<unknown>>,
  total: number,
  concurrency: number,
  rounds = 5,
): Promise<Record<string, Metrics>> {
  const perRound = Math.max(100, Math.round(total / rounds));
  const runs: Record<string, Metrics[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(clients)) {
      const list = runs[name] ?? [];
      runs[name] = list;
      list.push(await measure(run, perRound, concurrency, round === 0 ? undefined : 100));
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [
      name,
      {
        requests: list.reduce((sum, metrics) => sum + metrics.requests, 0),
        errors: list.reduce((sum, metrics) => sum + metrics.errors, 0),
        rps: median(list.map((metrics) => metrics.rps)),
        p50: median(list.map((metrics) => metrics.p50)),
        p99: median(list.map((metrics) => metrics.p99)),
        cpuUs: median(list.map((metrics) => metrics.cpuUs)),
        peakRssMb: Math.max(...list.map((metrics) => metrics.peakRssMb)),
      },
    ]),
  );
}

function openaiClient(upstream: UpstreamProcess, apiKey = 'sk-bench'): OpenAI {
  return new OpenAI({ baseURL: `${upstream.baseURL}/v1`, apiKey, maxRetries: 0 });
}

/** The AI SDK over its OpenAI-compatible provider, the other way agents call one gateway. */
function aiSdkModel(upstream: UpstreamProcess, apiKey = 'sk-bench') {
  return createOpenAICompatible({
    name: 'litellm',
    baseURL: `${upstream.baseURL}/v1`,
    apiKey,
    includeUsage: true,
  }).chatModel(MODEL);
}

function benchRouter(primary: UpstreamProcess, secondary: UpstreamProcess): Router {
  const router = createRouter({
    gateways: {
      litellm: { baseURL: primary.baseURL, apiKey: 'sk-bench' },
      openrouter: { baseURL: secondary.baseURL, apiKey: 'sk-or-v1-bench' },
    },
    logger: false,
    // Limits on (never binding here), so every call reserves and settles as in production.
    providers: Object.fromEntries(
      (['openai', 'anthropic', 'google', 'cohere', 'mistral'] as const).map((id) => [
        id,
        { limits: { requestsPerMinute: 1e9, tokensPerMinute: 1e12, budgetUsdPerDay: 1e6 } },
      ]),
    ),
    limits: { users: { '*': { requestsPerMinute: 1e9, budgetUsdPerMonth: 1e6 } } },
  });
  // Everything on: listeners on the events a real deployment would watch.
  let ledger = 0;
  router.on('usage', () => void ledger++);
  router.on('call-end', () => undefined);
  router.on('fallback', () => undefined);
  return router;
}

const rows: string[][] = [];
const format = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
function report(scenario: string, client: string, metrics: Metrics, baseline?: Metrics) {
  const ratio = (value: number, base: number | undefined) => (base ? ` (${format(value / base)}×)` : '');
  rows.push([
    scenario,
    client,
    `${format(metrics.rps, 0)}${ratio(metrics.rps, baseline?.rps)}`,
    `${format(metrics.p50, 3)}${baseline ? ` (+${format(metrics.p50 - baseline.p50, 3)})` : ''}`,
    `${format(metrics.p99, 3)}${ratio(metrics.p99, baseline?.p99)}`,
    `${format(metrics.cpuUs, 1)}${ratio(metrics.cpuUs, baseline?.cpuUs)}`,
    format(metrics.peakRssMb, 0),
    String(metrics.errors),
  ]);
  console.log(rows.at(-1)?.join(' | '));
}

async function throughputScenarios(
  latencyMs: number,
  plan: { name: string; total: number; concurrency: number }[],
) {
  const primary = await startUpstream('litellm', latencyMs);
  const secondary = await startUpstream('openrouter', latencyMs);
  const client = openaiClient(primary);
  const model = aiSdkModel(primary);
  const router = benchRouter(primary, secondary);
  const body = JSON.stringify({ model: MODEL, messages });
  try {
    for (const { name, total, concurrency } of plan) {
      const n = Math.max(200, Math.round(total * scale));
      const results = await compare(
        {
          fetch: () =>
            fetch(`${primary.baseURL}/v1/chat/completions`, {
              method: 'POST',
              headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
              body,
            }).then((response) => response.json()),
          raw: () => client.chat.completions.create({ model: MODEL, messages }),
          aiSdk: () => generateText({ model, messages, maxRetries: 0 }),
          routed: () => router.chat(benchCall),
        },
        n,
        concurrency,
      );
      const {
        fetch: floor,
        raw,
        aiSdk,
        routed,
      } = results as Record<'fetch' | 'raw' | 'aiSdk' | 'routed', Metrics>;
      report(name, 'fetch', floor, raw);
      report(name, 'openai (baseline)', raw);
      report(name, 'AI SDK generateText', aiSdk, raw);
      report(name, 'router.chat', routed, raw);
    }
  } finally {
    await router.close();
    await primary.stop();
    await secondary.stop();
  }
}

async function streamingScenario() {
  const primary = await startUpstream(
    'litellm',
    0,
    'sixteen chunks of streamed text arrive one after another, in order!!',
  );
  const secondary = await startUpstream('openrouter', 0);
  const client = openaiClient(primary);
  const model = aiSdkModel(primary);
  const router = benchRouter(primary, secondary);
  try {
    const n = Math.max(200, Math.round(4_000 * scale));
    const results = await compare(
      {
        raw: async () => {
          const stream = await client.chat.completions.create({
            model: MODEL,
            messages,
            stream: true,
            stream_options: { include_usage: true },
          });
          for await (const _ of stream);
        },
        aiSdk: async () => {
          const result = streamText({ model, messages, maxRetries: 0 });
          for await (const _ of result.textStream);
          await result.usage;
        },
        routed: async () => {
          const stream = router.stream(benchCall);
          for await (const _ of stream);
          await stream.result;
        },
      },
      n,
      8,
    );
    const { raw, aiSdk, routed } = results as Record<'raw' | 'aiSdk' | 'routed', Metrics>;
    report('stream 16 chunks ×8', 'openai (baseline)', raw);
    report('stream 16 chunks ×8', 'AI SDK streamText', aiSdk, raw);
    report('stream 16 chunks ×8', 'router.stream', routed, raw);
  } finally {
    await router.close();
    await primary.stop();
    await secondary.stop();
  }
}

async function fallbackScenarios() {
  const fallbackRows: string[][] = [];
  const faults: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['primary 503 on every call', { status: 503 }, {}],
    ['primary resets every connection', { reset: true }, {}],
    ['primary fails 20 % of calls (500)', { status: 500 }, { probability: 0.2 }],
  ];
  for (const [name, fault, options] of faults) {
    const primary = await startUpstream('litellm', 0);
    const secondary = await startUpstream('openrouter', 0);
    const router = benchRouter(primary, secondary);
    const direct = new OpenAI({ baseURL: secondary.baseURL, apiKey: 'sk-or-v1-bench', maxRetries: 0 });
    try {
      const n = Math.max(200, Math.round(3_000 * scale));
      const healthy = await measure(() => router.chat(benchCall), n, 16);
      const healthySecondary = await measure(
        () => direct.chat.completions.create({ model: 'cohere/command-r7b-12-2024', messages }),
        n,
        16,
      );
      await primary.command({ type: 'fail', fault, options });
      // Let the breaker see the failures first (it opens within a few calls when the primary is down).
      for (let call = 0; call < 20; call++) await router.chat(benchCall).catch(() => undefined);
      const primaryBefore = await primary.command({ type: 'count' });
      const secondaryBefore = await secondary.command({ type: 'count' });
      const faulty = await measure(() => router.chat(benchCall), n, 16, 0);
      const primaryCalls = (await primary.command({ type: 'count' })) - primaryBefore;
      const secondaryCalls = (await secondary.command({ type: 'count' })) - secondaryBefore;
      fallbackRows.push([
        name,
        `${format(((n - faulty.errors) / n) * 100, 1)} %`,
        `${format(faulty.p50, 3)} vs ${format(healthySecondary.p50, 3)} direct to secondary (Δ ${format(faulty.p50 - healthySecondary.p50, 3)} ms)`,
        `${format(faulty.p99, 3)} vs ${format(healthy.p99, 3)} healthy (${format(faulty.p99 / healthy.p99)}×)`,
        `${format(primaryCalls / n, 3)} / ${format(secondaryCalls / n, 3)}`,
      ]);
      console.log(fallbackRows.at(-1)?.join(' | '));
    } finally {
      await router.close();
      await primary.stop();
      await secondary.stop();
    }
  }
  return fallbackRows;
}

/**
 * The router's own CPU per call, without any network: instant in-process transports, the same
 * router settings. What remains is ranking, breakers, retries, limits, events and the ledger.
 */
async function overheadScenario(): Promise<string[]> {
  const answer = {
    text: 'ok',
    toolCalls: [],
    finishReason: 'stop' as const,
    usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, totalTokens: 15 },
    costUsd: 0.0001,
    servedModel: 'm',
    requestId: 'r',
    rateLimit: undefined,
  };
  const instant = (gateway: 'litellm' | 'openrouter'): Transport => ({
    gateway,
    chat: async () => answer,
    stream: async () => ({
      requestId: undefined,
      rateLimit: undefined,
      async *[Symbol.asyncIterator]() {
        for (let index = 0; index < 16; index++) yield { type: 'text-delta' as const, text: 'four' };
        yield { type: 'finish' as const, finishReason: 'stop' as const };
        yield { type: 'usage' as const, usage: answer.usage, costUsd: 0.0001 };
      },
    }),
  });
  const router = createRouter({
    logger: false,
    transports: { litellm: instant('litellm'), openrouter: instant('openrouter') },
    providers: {
      openai: { limits: { requestsPerMinute: 1e9, budgetUsdPerDay: 1e6 } },
      anthropic: {},
      google: {},
      cohere: {},
      mistral: {},
    },
  });
  router.on('usage', () => undefined);
  const time = async (label: string, run: () => Promise<unknown>) => {
    const n = Math.max(2_000, Math.round(30_000 * scale));
    for (let index = 0; index < 1_000; index++) await run();
    const cpu = process.cpuUsage();
    for (let index = 0; index < n; index++) await run();
    const used = process.cpuUsage(cpu);
    return `${label}: ${format((used.user + used.system) / n, 1)} µs`;
  };
  const lines = [
    await time('chat, ranked over the whole catalog', () => router.chat(benchCall)),
    await time('chat, one named model', () => router.chat({ ...benchCall, model: 'openai/gpt-5.4-mini' })),
    await time('stream of 16 parts, whole catalog', async () => {
      const stream = router.stream(benchCall);
      for await (const _ of stream);
    }),
  ];
  await router.close();
  return lines;
}

async function memoryScenario(): Promise<string> {
  const primary = await startUpstream('litellm', 0);
  const secondary = await startUpstream('openrouter', 0);
  const router = benchRouter(primary, secondary);
  const gc = (globalThis as { gc?: () => void }).gc;
  const rssAfter = async (calls: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let index = next++; index < calls; index = next++) await router.chat(benchCall);
      }),
    );
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc?.();
    return process.memoryUsage.rss() / 2 ** 20;
  };
  try {
    const total = Math.max(20_000, Math.round(100_000 * scale));
    const first = await rssAfter(total / 10);
    const rest = await rssAfter(total - total / 10);
    return `RSS after ${total / 10} calls: ${format(first, 1)} MB; after ${total}: ${format(rest, 1)} MB; growth ${format(rest - first, 1)} MB${gc ? '' : ' (run with --expose-gc for exact figures)'}`;
  } finally {
    await router.close();
    await primary.stop();
    await secondary.stop();
  }
}

console.log(`llm-router benchmark (node ${process.version}, scale ${scale})\n`);
console.log('scenario | client | req/s | p50 ms | p99 ms | CPU µs/req | peak RSS MB | errors');
await throughputScenarios(0, [
  { name: '1 at a time, 0 ms upstream', total: 3_000, concurrency: 1 },
  { name: '16 concurrent, 0 ms upstream', total: 10_000, concurrency: 16 },
]);
await throughputScenarios(50, [{ name: '32 concurrent, 50 ms upstream', total: 3_000, concurrency: 32 }]);
await streamingScenario();
console.log(
  '\nfallback scenario | success | p50 ms | p99 ms | upstream calls per request (primary / secondary)',
);
await fallbackScenarios();
console.log('\nrouter CPU per call with instant in-process transports (no network):');
for (const line of await overheadScenario()) console.log(`  ${line}`);
console.log(`\nmemory: ${await memoryScenario()}`);
