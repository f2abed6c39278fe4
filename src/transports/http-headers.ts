import type { RateLimitSnapshot } from './transport.ts';

/** Anything with a `get(name)` like `Headers`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The delay a response asks for, in ms: `retry-after-ms`, then `retry-after` (seconds or an HTTP
 * date), then LiteLLM's `llm_provider-retry-after` (the provider's own header, prefixed).
 */
export function readRetryAfterMs(headers: HeaderReader | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  for (const name of ['retry-after', 'llm_provider-retry-after']) {
    const value = headers.get(name);
    if (!value) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function readNumber(headers: HeaderReader, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

// OpenAI-style reset values: "1s", "6m0s", "250ms", or a plain number of seconds.
function readDurationMs(headers: HeaderReader, name: string): number | undefined {
  const raw = headers.get(name);
  if (!raw) return undefined;
  const plain = Number(raw);
  if (Number.isFinite(plain)) return Math.round(plain * 1000);
  let total = 0;
  let matched = false;
  for (const match of raw.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    const amount = Number(match[1]);
    const unit = match[2];
    total +=
      unit === 'ms'
        ? amount
        : unit === 's'
          ? amount * 1000
          : unit === 'm'
            ? amount * 60_000
            : amount * 3_600_000;
  }
  return matched ? Math.round(total) : undefined;
}

/** `x-ratelimit-*` headers, when any is present. */
export function readRateLimit(headers: HeaderReader): RateLimitSnapshot | undefined {
  const remainingRequests = readNumber(headers, 'x-ratelimit-remaining-requests');
  const remainingTokens = readNumber(headers, 'x-ratelimit-remaining-tokens');
  if (remainingRequests === undefined && remainingTokens === undefined) return undefined;
  const snapshot: {
    remainingRequests?: number;
    remainingTokens?: number;
    resetRequestsMs?: number;
    resetTokensMs?: number;
  } = {};
  if (remainingRequests !== undefined) snapshot.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) snapshot.remainingTokens = remainingTokens;
  const resetRequestsMs = readDurationMs(headers, 'x-ratelimit-reset-requests');
  if (resetRequestsMs !== undefined) snapshot.resetRequestsMs = resetRequestsMs;
  const resetTokensMs = readDurationMs(headers, 'x-ratelimit-reset-tokens');
  if (resetTokensMs !== undefined) snapshot.resetTokensMs = resetTokensMs;
  return snapshot;
}
