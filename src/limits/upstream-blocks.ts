import type { UpstreamBlock } from '../types/limit-store.ts';
import type { UpstreamLimitSignal } from './rate-limiter.ts';

/** How long `remaining: 0` blocks a scope when the upstream sent no reset time: a rate-limit minute. */
export const DEFAULT_UPSTREAM_RESET_MS = 60_000;

const positive = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value > 0;

/**
 * The blocks an upstream signal asks for: `retryAfter` for a `Retry-After`, `upstreamRequests` /
 * `upstreamTokens` for a remaining count of 0 (until its reset). Remaining above 0 asks for none:
 * providers refill continuously, so a low count says little about the next call.
 */
export function upstreamBlocks(scope: string, signal: UpstreamLimitSignal, nowMs: number): UpstreamBlock[] {
  const blocks: UpstreamBlock[] = [];
  if (positive(signal.retryAfterMs)) {
    blocks.push({ scope, limit: 'retryAfter', untilMs: nowMs + Math.ceil(signal.retryAfterMs) });
  }
  // A reset of 0 means the upstream window is refilling now: no block (the store ignores a past end).
  const resetOf = (resetMs: number | undefined) =>
    nowMs +
    (resetMs !== undefined && Number.isFinite(resetMs) && resetMs >= 0
      ? Math.ceil(resetMs)
      : DEFAULT_UPSTREAM_RESET_MS);
  if (signal.remainingRequests !== undefined && signal.remainingRequests <= 0) {
    blocks.push({ scope, limit: 'upstreamRequests', untilMs: resetOf(signal.resetRequestsMs) });
  }
  if (signal.remainingTokens !== undefined && signal.remainingTokens <= 0) {
    blocks.push({ scope, limit: 'upstreamTokens', untilMs: resetOf(signal.resetTokensMs) });
  }
  return blocks;
}

/**
 * Where an upstream's limit signal is recorded in a shared limit store: the gateway's route to one
 * provider (`gateway:litellm/openai`), or the whole gateway (`gateway:litellm`) when the gateway
 * itself refused. The router checks both in every reservation, so every process sharing the store
 * backs off the same candidate.
 */
export function upstreamScopeOf(gateway: string, provider: string, wholeGateway = false): string {
  return wholeGateway ? `gateway:${gateway}` : `gateway:${gateway}/${provider}`;
}

/** The upstream scopes an attempt on `gateway` × `provider` is checked against. */
export function upstreamScopesOf(gateway: string, provider: string): string[] {
  return [upstreamScopeOf(gateway, provider, true), upstreamScopeOf(gateway, provider)];
}
