import type { RateLimitSnapshot } from '../types/transport.ts';

/** Anything with a `get(name)` like `Headers`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Longest wait a gateway's answer can impose (`Retry-After`, a rate-limit reset): one day. A gateway
 * asking for longer (or for 1e308 seconds) is taken to mean a day, so that no single answer can take
 * a candidate out of use for good.
 */
export const MAX_GATEWAY_WAIT_MS = 86_400_000;

/** A wait in ms as a gateway gave it, bounded to 0..`MAX_GATEWAY_WAIT_MS`; `undefined` when not a number. */
export function boundWaitMs(milliseconds: number): number | undefined {
  if (Number.isNaN(milliseconds) || milliseconds < 0) return undefined;
  return Math.round(Math.min(milliseconds, MAX_GATEWAY_WAIT_MS));
}

/**
 * The delay a response asks for, in ms: `retry-after-ms`, then `retry-after` (seconds or an HTTP
 * date), then LiteLLM's `llm_provider-retry-after` (the provider's own header, prefixed). At most
 * `MAX_GATEWAY_WAIT_MS`.
 */
export function readRetryAfterMs(headers: HeaderReader | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return boundWaitMs(milliseconds);
  for (const name of ['retry-after', 'llm_provider-retry-after']) {
    const value = headers.get(name);
    if (!value) continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return boundWaitMs(seconds * 1000);
    const date = Date.parse(value);
    if (Number.isFinite(date)) return boundWaitMs(Math.max(0, date - now));
  }
  return undefined;
}

// A remaining count: a finite number of 0 or more, else ignored.
function readNumber(headers: HeaderReader, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

// OpenAI-style reset values: "1s", "6m0s", "250ms", or a plain number of seconds.
function readDurationMs(headers: HeaderReader, name: string): number | undefined {
  const raw = headers.get(name);
  if (!raw) return undefined;
  const plain = Number(raw);
  if (Number.isFinite(plain)) return boundWaitMs(plain * 1000);
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
  return matched ? boundWaitMs(total) : undefined;
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
