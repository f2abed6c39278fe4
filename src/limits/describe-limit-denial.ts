import type { LimitUnit } from '../types/limit-names.ts';
import type { LimitDenial } from './rate-limiter.ts';

const UPSTREAM_SOURCES: Readonly<Record<string, string>> = {
  retryAfter: 'Retry-After',
  upstreamRequests: 'x-ratelimit-remaining-requests: 0',
  upstreamTokens: 'x-ratelimit-remaining-tokens: 0',
};

function formatAmount(amount: number, unit: LimitUnit): string {
  if (unit === 'usd') return `$${Number(amount.toFixed(6))}`;
  // `requests` and `tokens`: singular for exactly one.
  return `${amount.toLocaleString('en-US')} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}

/** `850 ms`, `42 s`, `3 min 5 s`, `3 h 12 min`, `12 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.ceil(ms))} ms`;
  const seconds = Math.ceil(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * One sentence about a denial: which limit of which scope, how much is used and in flight, what
 * the call needs, when it frees up, and what to change.
 *
 * @example
 * // 'tokensPerMinute of provider:openai reached: 9,500 of 10,000 tokens used, 400 tokens in flight;
 * //  this call needs 2,000 tokens. Frees up in 42 s (2026-01-01T00:01:00.000Z).'
 */
export function describeLimitDenial(denial: LimitDenial): string {
  const { scope, limit, unit } = denial;
  const when = `${formatDuration(denial.retryAfterMs)} (${new Date(denial.resetsAt).toISOString()})`;
  const upstream = UPSTREAM_SOURCES[limit];
  if (upstream) return `${scope} is rate-limited upstream (${upstream}); frees up in ${when}.`;
  const requested = formatAmount(denial.requested, unit);
  const size = formatAmount(denial.size, unit);
  if (denial.tooLarge) {
    const fix = unit === 'usd' ? 'Lower maxTokens or use a cheaper model' : 'Lower maxTokens or the prompt';
    return `This call needs ${requested}, more than ${limit} of ${scope} allows (${size}); it can never fit. ${fix}, or raise ${limit}.`;
  }
  const verb = denial.kind === 'quota' ? 'exhausted' : 'reached';
  const need = unit === 'usd' ? 'may cost' : 'needs';
  const inFlight = denial.reserved > 0 ? `, ${formatAmount(denial.reserved, unit)} in flight` : '';
  const usage = `${formatAmount(denial.used, unit)} of ${size} used${inFlight}`;
  const after =
    denial.kind === 'quota' ? `Resets in ${when}; raise ${limit} to allow more.` : `Frees up in ${when}.`;
  return `${limit} of ${scope} ${verb}: ${usage}; this call ${need} ${requested}. ${after}`;
}
