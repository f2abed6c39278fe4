import type { PriceSource } from '../../src/types/model.ts';
import type { UsageRecord, UsageStatus } from '../../src/types/usage-record.ts';

/** mulberry32: a small seeded generator, so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A plain successful record; override what a test is about. */
export function usageRecord(overrides: Partial<UsageRecord> & { callId: string }): UsageRecord {
  return {
    id: overrides.callId,
    startedAt: Date.UTC(2026, 4, 1, 12),
    finishedAt: Date.UTC(2026, 4, 1, 12) + 500,
    user: 'ada',
    keyId: 'gateway:litellm',
    provider: 'openai',
    model: 'openai/gpt-5.4-mini',
    gateway: 'litellm',
    inputTokens: 100,
    outputTokens: 20,
    cachedInputTokens: 0,
    costUsd: 0.000165,
    costSource: 'gateway',
    latencyMs: 500,
    timeToFirstTokenMs: undefined,
    attempts: 1,
    fallback: false,
    tags: [],
    status: 'ok',
    errorKind: undefined,
    stream: false,
    ...overrides,
  };
}

/** A generated record plus the exact cost it was built from. */
export interface GeneratedRecord extends UsageRecord {
  /** The cost as integer nano-dollars; `costUsd` is this / 1e9. */
  readonly costNanoUsd: number;
}

const USERS = ['ada', 'bob', 'cy', 'dee', undefined] as const;
const KEYS = ['gateway:litellm', 'gateway:openrouter', 'byok:acme', undefined] as const;
const ROUTES = [
  { provider: 'openai', model: 'openai/gpt-5.4-mini', gateway: 'litellm' },
  { provider: 'openai', model: 'openai/gpt-5.5', gateway: 'openrouter' },
  { provider: 'anthropic', model: 'anthropic/claude-haiku-4-5', gateway: 'litellm' },
  { provider: 'mistral', model: 'mistral/mistral-small-latest', gateway: 'direct' },
  { provider: undefined, model: undefined, gateway: undefined },
] as const;
const PRICE_SOURCES: readonly PriceSource[] = ['litellm', 'openrouter', 'bundled', 'genai-prices', 'user'];
const TAG_SETS: readonly (readonly string[])[] = [
  [],
  ['chat'],
  ['batch', 'nightly'],
  ['chat', 'chat', 'eval'],
];

/**
 * `count` varied records over five UTC days: every dimension has missing values, some records
 * carry several tags (one a duplicate tag), about 10 % fail with zero cost; catalog and estimated
 * costs name a price source.
 */
export function generateRecords(count: number, seed = 7): GeneratedRecord[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const start = Date.UTC(2026, 4, 1);
  return Array.from({ length: count }, (_, index) => {
    const route = pick(ROUTES);
    const status: UsageStatus =
      route.model === undefined ? 'error' : next() < 0.08 ? pick(['error', 'aborted']) : 'ok';
    const ok = status === 'ok';
    const inputTokens = ok ? Math.floor(next() * 5_000) : 0;
    const cachedInputTokens = ok ? Math.floor(next() * inputTokens * 0.5) : 0;
    const outputTokens = ok ? Math.floor(next() * 800) : 0;
    const costNanoUsd = ok ? Math.floor(next() * 20_000_000) : 0;
    const startedAt = start + Math.floor(next() * 5 * 86_400_000);
    const latencyMs = 50 + Math.floor(next() * 4_000);
    const costSource = ok ? pick(['gateway', 'catalog', 'estimated'] as const) : 'none';
    const priced = costSource === 'catalog' || costSource === 'estimated';
    return {
      id: `call-${seed}-${index}`,
      callId: `call-${seed}-${index}`,
      startedAt,
      finishedAt: startedAt + latencyMs,
      user: pick(USERS),
      keyId: route.model === undefined ? undefined : pick(KEYS),
      provider: route.provider,
      model: route.model,
      gateway: route.gateway,
      inputTokens,
      outputTokens,
      cachedInputTokens,
      costUsd: costNanoUsd / 1e9,
      costNanoUsd,
      costSource,
      ...(priced ? { priceSource: { source: pick(PRICE_SOURCES), asOf: '2026-05-01' } } : {}),
      latencyMs,
      timeToFirstTokenMs: next() < 0.3 ? Math.floor(latencyMs / 3) : undefined,
      attempts: 1 + Math.floor(next() * 3),
      fallback: next() < 0.15,
      tags: pick(TAG_SETS),
      status,
      errorKind: ok ? undefined : 'server-error',
      stream: next() < 0.3,
    };
  });
}

/** The record without the test-only `costNanoUsd`, as a tracker returns it. */
export function withoutNanos({ costNanoUsd: _, ...record }: GeneratedRecord): UsageRecord {
  return record;
}
