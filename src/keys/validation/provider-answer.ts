import { redactSecrets } from '../../errors/redact.ts';
import { type HeaderReader, readRetryAfterMs } from '../../transports/http-headers.ts';
import type {
  KeyValidationReason,
  KeyValidationResult,
  KeyValidationStatus,
} from '../../types/key-validator.ts';

/** A provider's HTTP answer to a validation call, as the interpreters see it. */
export interface ProviderAnswer {
  readonly status: number;
  /** The parsed error body (or, for SDK errors, what the SDK kept of it). */
  readonly body: unknown;
  readonly headers: HeaderReader | undefined;
  /** The provider's message, found in its own body shape. */
  readonly message: string | undefined;
}

const MAX_MESSAGE = 300;

/** Builds a result, with the provider's message shortened and stripped of the key. */
export function result(
  status: KeyValidationStatus,
  reason: KeyValidationReason | undefined,
  answer: ProviderAnswer | undefined,
  secrets: readonly string[],
  now: number,
): KeyValidationResult {
  const out: {
    status: KeyValidationStatus;
    reason?: KeyValidationReason;
    httpStatus?: number;
    message?: string;
    retryAfterMs?: number;
  } = { status };
  if (reason) out.reason = reason;
  if (answer) {
    out.httpStatus = answer.status;
    if (answer.message) out.message = redactSecrets(answer.message, secrets).slice(0, MAX_MESSAGE);
    if (answer.status === 429) {
      const retryAfterMs = readRetryAfterMs(answer.headers, now);
      if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
    }
  }
  return out;
}

/**
 * The meaning of a status shared by every provider; each provider's interpreter handles its own
 * vocabulary first and falls back to this.
 */
export function interpretCommonStatus(
  answer: ProviderAnswer,
  secrets: readonly string[],
  now: number,
): KeyValidationResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return result('valid', undefined, answer, secrets, now);
  if (status === 401) return result('invalid', 'invalid', answer, secrets, now);
  if (status === 403) return result('invalid', 'forbidden', answer, secrets, now);
  if (status === 402) return result('valid', 'no_credit', answer, secrets, now);
  if (status === 408) return result('unverified', 'timeout', answer, secrets, now);
  if (status === 429) return result('unverified', 'rate_limited', answer, secrets, now);
  if (status >= 500) return result('unverified', 'server', answer, secrets, now);
  return result('unverified', 'unexpected', answer, secrets, now);
}

/** Reads `path` (e.g. `['error', 'message']`) from an unknown body. */
export function pick(body: unknown, ...path: string[]): unknown {
  let current = body;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** `pick` for strings only. */
export function pickString(body: unknown, ...path: string[]): string | undefined {
  const value = pick(body, ...path);
  return typeof value === 'string' ? value : undefined;
}
