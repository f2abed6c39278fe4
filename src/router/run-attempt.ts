import pRetry from 'p-retry';
import type { BreakerRegistry } from '../breaker/breaker-registry.ts';
import { BreakerOpenRejection } from '../breaker/circuit-breaker.ts';
import { forwardAbort } from '../clock/forward-abort.ts';
import { sleep } from '../clock/sleep.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { redactSecrets, summarizeError } from '../errors/redact.ts';
import type { Candidate } from '../ranking/candidate.ts';
import { AttemptTimeoutReason } from '../transports/abort-reasons.ts';
import type { Clock } from '../types/clock.ts';
import { decideNextStep, type NextStep, type RetryPolicy } from './decide-next-step.ts';

/** One HTTP try on one candidate, given the try's own signal. Must throw `GatewayError`s. */
export type TryOnce<T> = (signal: AbortSignal) => Promise<T>;

/** What every attempt of a router uses; built once by `createRouter()`. */
export interface AttemptRunner {
  readonly clock: Clock;
  readonly breakers: Pick<BreakerRegistry, 'fire'>;
  readonly policy: RetryPolicy;
  /** Upper bound of each try (the call's deadline may cut it shorter). */
  readonly attemptTimeoutMs: number;
  /** Source of the backoff's jitter, in [0, 1). */
  readonly random: () => number;
}

/** One attempt: a candidate, the call's signal and deadline, and how to make one try. */
export interface AttemptInput<T> {
  readonly candidate: Candidate;
  readonly callSignal: AbortSignal;
  readonly deadline: number;
  /** Whether a later candidate could take the call (the decision table moves on sooner then). */
  readonly hasAlternative: boolean;
  readonly tryOnce: TryOnce<T>;
  /** Told of each failed try and the step the decision table chose for it. */
  readonly onTryFailed: (error: GatewayError, tries: number, step: NextStep) => void;
}

/** How an attempt ended, with the number of tries it made. */
export type AttemptOutcome<T> =
  | { readonly ok: true; readonly value: T; readonly tries: number }
  | { readonly ok: false; readonly error: GatewayError; readonly tries: number };

/** Any failure, as a `GatewayError` of this candidate. */
export function toGatewayError(error: unknown, candidate: Candidate): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  if (error instanceof BreakerOpenRejection) {
    return new GatewayError({
      kind: 'breaker-open',
      gateway: candidate.gateway,
      provider: candidate.model.provider,
      model: candidate.gatewayModel,
      retryAfterMs: error.retryAfterMs,
      message: error.message,
    });
  }
  return new GatewayError({
    kind: 'bad-response',
    gateway: candidate.gateway,
    provider: candidate.model.provider,
    model: candidate.gatewayModel,
    message: `Transport failed unexpectedly: ${redactSecrets(error instanceof Error ? error.message : String(error))}`,
    cause: summarizeError(error),
  });
}

/**
 * Runs one attempt and nothing else: each try through the gateway's and the pair's breakers, under
 * its own timeout within the call's deadline, retried on the same candidate by p-retry as long as
 * the decision table says so, with the table's waits on the router's clock.
 */
export async function runAttempt<T>(
  runner: AttemptRunner,
  input: AttemptInput<T>,
): Promise<AttemptOutcome<T>> {
  const { clock, breakers, policy } = runner;
  const { candidate, callSignal, deadline } = input;
  const provider = candidate.model.provider;
  let tries = 0;

  const tryOnce = async (): Promise<T> => {
    tries++;
    const controller = new AbortController();
    const stopForwarding = forwardAbort(callSignal, controller);
    const timeoutMs = Math.max(1, Math.min(runner.attemptTimeoutMs, deadline - clock.now()));
    const timer = clock.setTimer(() => controller.abort(new AttemptTimeoutReason(timeoutMs)), timeoutMs);
    try {
      return await breakers.fire(candidate.gateway, provider, () => input.tryOnce(controller.signal));
    } catch (error) {
      throw toGatewayError(error, candidate);
    } finally {
      timer.cancel();
      stopForwarding();
    }
  };

  const decide = (error: GatewayError): NextStep => {
    const step = decideNextStep({
      error,
      callAborted: callSignal.aborted,
      retry: {
        tries,
        hasAlternative: input.hasAlternative,
        now: clock.now(),
        deadline,
        jitter: runner.random(),
        policy,
      },
    });
    input.onTryFailed(error, tries, step);
    return step;
  };

  try {
    const value = await pRetry(tryOnce, {
      // p-retry's budget is the table's: once it is spent, p-retry stops without asking shouldRetry,
      // so the last try's step is taken in onFailedAttempt.
      retries: policy.maxRetries,
      // The table says how long to wait, and the wait runs on the router's clock in shouldRetry:
      // p-retry schedules no timer of its own.
      minTimeout: 0,
      onFailedAttempt: ({ error, retriesLeft }) => {
        if (retriesLeft === 0) decide(toGatewayError(error, candidate));
      },
      shouldRetry: async ({ error }) => {
        const step = decide(toGatewayError(error, candidate));
        if (step.action !== 'retry') return false;
        await sleep(clock, step.delayMs, callSignal);
        return true;
      },
    });
    return { ok: true, value, tries };
  } catch (error) {
    return { ok: false, error: toGatewayError(error, candidate), tries };
  }
}
