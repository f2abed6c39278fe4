import type { GatewayError } from '../errors/gateway-error.ts';
import type { GatewayErrorKind } from '../types/error-kinds.ts';

// Every decision the router takes after a failed try, in one place: what the failure kind means
// (FAILURE_RULES), and, for kinds that may be retried, what the situation allows (RETRY_RULES).
// The attempt runner, the candidate loop and the breakers ask `decideNextStep` and `breakerFor`;
// none of them looks at a kind itself.

/** What one kind of failure means for the call. */
export interface FailureRule {
  /**
   * The same candidate again: `never`; `once-or-backoff` (one immediate retry while another
   * candidate remains, else up to `retry.maxRetries` after a backoff or `Retry-After`);
   * `last-candidate-only` (only when no other candidate remains, after `Retry-After` or a backoff).
   */
  readonly sameCandidate: 'never' | 'once-or-backoff' | 'last-candidate-only';
  /** Once this candidate is done: the next one, only those with a larger context window, or stop. */
  readonly after: 'next' | 'larger-context-only' | 'stop';
  /** Whether it counts in a breaker; which one follows the error's `scope` (see `breakerFor`). */
  readonly countsInBreaker: boolean;
  /** A user's own key was refused: report it, so it is set aside and revalidated. */
  readonly reportsKey: boolean;
}

const never = 'never';
const retried = 'once-or-backoff';

/** What each failure kind means. README "Error kinds" documents this table. */
export const FAILURE_RULES: Readonly<Record<GatewayErrorKind, FailureRule>> = {
  'connection-refused': { sameCandidate: never, after: 'next', countsInBreaker: true, reportsKey: false },
  'connection-reset': { sameCandidate: retried, after: 'next', countsInBreaker: true, reportsKey: false },
  timeout: { sameCandidate: never, after: 'next', countsInBreaker: true, reportsKey: false },
  'server-error': { sameCandidate: retried, after: 'next', countsInBreaker: true, reportsKey: false },
  unavailable: { sameCandidate: never, after: 'next', countsInBreaker: true, reportsKey: false },
  'rate-limited': {
    sameCandidate: 'last-candidate-only',
    after: 'next',
    countsInBreaker: false,
    reportsKey: false,
  },
  'gateway-auth': { sameCandidate: never, after: 'next', countsInBreaker: true, reportsKey: false },
  'provider-auth': { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: true },
  'model-not-found': { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: false },
  billing: { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: false },
  'context-window': {
    sameCandidate: never,
    after: 'larger-context-only',
    countsInBreaker: false,
    reportsKey: false,
  },
  'breaker-open': { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: false },
  'no-key': { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: false },
  'limit-exceeded': { sameCandidate: never, after: 'next', countsInBreaker: false, reportsKey: false },
  'invalid-request': { sameCandidate: never, after: 'stop', countsInBreaker: false, reportsKey: false },
  'content-filter': { sameCandidate: never, after: 'stop', countsInBreaker: false, reportsKey: false },
  'bad-response': { sameCandidate: retried, after: 'next', countsInBreaker: true, reportsKey: false },
  aborted: { sameCandidate: never, after: 'stop', countsInBreaker: false, reportsKey: false },
};

/** Resolved `retry` settings the decisions use. */
export interface RetryPolicy {
  /** Same-candidate retries after the first try. */
  readonly maxRetries: number;
  /** First backoff; doubles with each retry. */
  readonly baseDelayMs: number;
  /** Backoff cap. */
  readonly maxDelayMs: number;
  /** The longest `Retry-After` worth waiting for on the same candidate. */
  readonly maxRetryAfterMs: number;
}

/** Where the failed candidate stands, while it could still be tried again. */
export interface RetrySituation {
  /** Tries made on this candidate so far, the failed one included (1 after the first). */
  readonly tries: number;
  /** Whether a later candidate could take the call. */
  readonly hasAlternative: boolean;
  /** The router clock's time now, and the call's deadline on it. */
  readonly now: number;
  readonly deadline: number;
  /** A number in [0, 1) from the router's random source: ±20 % jitter on the backoff. */
  readonly jitter: number;
  readonly policy: RetryPolicy;
}

/** A failed try, as the decisions see it. */
export interface FailedTry {
  readonly error: Pick<GatewayError, 'kind' | 'scope' | 'retryAfterMs'>;
  /** The caller's signal or the call's deadline aborted the call. */
  readonly callAborted: boolean;
  /** Present while the same candidate may be tried again; absent once its tries are over. */
  readonly retry?: RetrySituation | undefined;
}

/** What the router does next. `rule` names the row that decided, for logs and tests. */
export type NextStep =
  | { readonly action: 'retry'; readonly delayMs: number; readonly rule: string }
  | {
      readonly action: 'move-on';
      readonly rule: string;
      /** Only candidates with a larger context window than the failed one may follow. */
      readonly largerContextOnly: boolean;
      /** The gateway failed as a whole: skip its other candidates for the rest of the call. */
      readonly skipGateway: boolean;
      /** Report the user's key as refused. */
      readonly reportKey: boolean;
    }
  | {
      readonly action: 'stop';
      readonly rule: string;
      /** `aborted`: the call was aborted or timed out; `rejected`: the request itself was refused. */
      readonly because: 'aborted' | 'rejected';
    };

/** The wait before a retry: `Retry-After` when given, else exponential backoff with jitter, capped. */
export function retryDelayMs(error: FailedTry['error'], situation: RetrySituation): number {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const { baseDelayMs, maxDelayMs } = situation.policy;
  const exponential = baseDelayMs * 2 ** (situation.tries - 1);
  // ±20 % jitter keeps many callers from retrying in lockstep.
  return Math.min(maxDelayMs, Math.round(exponential * (0.8 + 0.4 * situation.jitter)));
}

/** One row of `RETRY_RULES`: when `applies`, the candidate is `retried` now, after a wait, or left. */
export interface RetryRule {
  readonly rule: string;
  readonly applies: (error: FailedTry['error'], situation: RetrySituation, waitMs: number) => boolean;
  readonly outcome: 'give-up' | 'retry-now' | 'retry-after-wait';
}

const sameCandidate = (error: FailedTry['error']) => FAILURE_RULES[error.kind].sameCandidate;

/**
 * Whether to try the same candidate again, for kinds that allow it. Read top to bottom: the first
 * row that applies decides. `waitMs` is `Retry-After` when the gateway sent one, else the backoff.
 */
export const RETRY_RULES: readonly RetryRule[] = [
  {
    rule: 'the kind is never retried on the same candidate',
    applies: (error) => sameCandidate(error) === 'never',
    outcome: 'give-up',
  },
  {
    rule: 'the retry budget (retry.maxRetries) is spent',
    applies: (_, situation) => situation.tries > situation.policy.maxRetries,
    outcome: 'give-up',
  },
  {
    rule: 'another candidate remains and the kind retries only on the last candidate',
    applies: (error, situation) => situation.hasAlternative && sameCandidate(error) === 'last-candidate-only',
    outcome: 'give-up',
  },
  {
    rule: 'another candidate remains and the gateway asked to wait (Retry-After)',
    applies: (error, situation) => situation.hasAlternative && error.retryAfterMs !== undefined,
    outcome: 'give-up',
  },
  {
    rule: 'another candidate remains and the immediate retry failed too',
    applies: (_, situation) => situation.hasAlternative && situation.tries > 1,
    outcome: 'give-up',
  },
  {
    // A dropped keep-alive socket, a one-off 500: retry at once rather than make the caller wait
    // out a backoff when another candidate could answer.
    rule: 'another candidate remains: one immediate retry',
    applies: (_, situation) => situation.hasAlternative,
    outcome: 'retry-now',
  },
  {
    rule: 'Retry-After is longer than retry.maxRetryAfterMs',
    applies: (error, situation) =>
      error.retryAfterMs !== undefined && error.retryAfterMs > situation.policy.maxRetryAfterMs,
    outcome: 'give-up',
  },
  {
    rule: 'the wait would reach the call deadline',
    applies: (_, situation, waitMs) => situation.now + waitMs >= situation.deadline,
    outcome: 'give-up',
  },
  {
    rule: 'last candidate: wait Retry-After or the backoff, then retry',
    applies: () => true,
    outcome: 'retry-after-wait',
  },
];

/**
 * What happens after a failed try: retry the same candidate (after how long), move on (narrowing
 * what may follow), or stop. Pure: the same failure gives the same step.
 *
 * @example
 * decideNextStep({ error, callAborted: false, retry: { tries: 1, hasAlternative: true, now, deadline, jitter: 0.5, policy } });
 * // → { action: 'retry', delayMs: 0, rule: 'another candidate remains: one immediate retry' } for a 500
 */
export function decideNextStep(failure: FailedTry): NextStep {
  const { error, retry } = failure;
  if (failure.callAborted) return { action: 'stop', rule: 'the call was aborted', because: 'aborted' };
  if (retry) {
    const waitMs = retryDelayMs(error, retry);
    for (const row of RETRY_RULES) {
      if (!row.applies(error, retry, waitMs)) continue;
      if (row.outcome === 'retry-now') return { action: 'retry', delayMs: 0, rule: row.rule };
      if (row.outcome === 'retry-after-wait') return { action: 'retry', delayMs: waitMs, rule: row.rule };
      break;
    }
  }
  const rule = FAILURE_RULES[error.kind];
  if (rule.after === 'stop') {
    return { action: 'stop', rule: `${error.kind}: no candidate can take this request`, because: 'rejected' };
  }
  return {
    action: 'move-on',
    rule:
      rule.after === 'larger-context-only' ? `${error.kind}: larger contexts only` : `${error.kind}: next`,
    largerContextOnly: rule.after === 'larger-context-only',
    // A gateway that failed as a whole fails every model on it.
    skipGateway: breakerFor(error) === 'gateway',
    reportKey: rule.reportsKey,
  };
}

/**
 * Which breaker a failure counts in: exactly one. A gateway-wide failure (proxy down, its key
 * rejected) in the gateway's, a provider's failure behind the gateway in the gateway × provider
 * breaker; otherwise a proxy outage would also open every pair breaker, and they would keep
 * refusing calls after the proxy is back.
 */
export function breakerFor(
  error: Pick<GatewayError, 'kind' | 'scope'>,
): 'gateway' | 'gateway-provider' | 'none' {
  if (!FAILURE_RULES[error.kind].countsInBreaker) return 'none';
  return error.scope === 'gateway' ? 'gateway' : 'gateway-provider';
}
