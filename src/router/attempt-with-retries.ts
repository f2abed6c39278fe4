import pRetry from 'p-retry';
import { BreakerOpenRejection } from '../breaker/circuit-breaker.ts';
import { forwardAbort } from '../clock/forward-abort.ts';
import { sleep } from '../clock/sleep.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { redactSecrets, summarizeError } from '../errors/redact.ts';
import type { Candidate } from '../ranking/candidate.ts';
import { AttemptTimeoutReason } from '../transports/abort-reasons.ts';
import { NANO_USD_PER_USD } from '../usage/money-sum.ts';
import { decideNextStep, type NextStep } from './decide-next-step.ts';
import { acceptReportedCost } from './reported-figures.ts';
import type { Route } from './route.ts';
import type { RouterContext } from './router-context.ts';

/** One HTTP try on one candidate, given the try's own signal. Must throw `GatewayError`s. */
export type TryOnce<T> = (signal: AbortSignal) => Promise<T>;

export interface AttemptOptions<T> {
  readonly context: RouterContext;
  readonly callId: string;
  readonly candidate: Candidate;
  readonly route: Route;
  readonly callSignal: AbortSignal;
  readonly deadline: number;
  /** Whether a later candidate could take the call; a rate limit then moves on instead of waiting. */
  readonly hasAlternative: boolean;
  readonly tryOnce: TryOnce<T>;
  /**
   * Counts tries made, also when the attempt fails, and what the gateway billed for failed tries
   * (plausible reported costs only), in nano-dollars.
   */
  readonly counter: { tries: number; billedNanoUsd: number };
}

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
 * Tries one candidate through its breakers, retrying the same candidate (p-retry) only for
 * retryable failures, within the call's deadline, honouring a short `Retry-After`. Delays run on the
 * router's clock, so tests drive them with a fake clock.
 */
export async function attemptWithRetries<T>(options: AttemptOptions<T>): Promise<T> {
  const { context, candidate, route, callSignal, deadline, counter } = options;
  const { clock, breakers, retry } = context;
  const provider = candidate.model.provider;

  const tryOnce = async (): Promise<T> => {
    counter.tries++;
    const controller = new AbortController();
    const stopForwarding = forwardAbort(callSignal, controller);
    const timeoutMs = Math.max(1, Math.min(context.attemptTimeoutMs, deadline - clock.now()));
    const timer = clock.setTimer(() => controller.abort(new AttemptTimeoutReason(timeoutMs)), timeoutMs);
    try {
      return await breakers.fire(candidate.gateway, provider, () => options.tryOnce(controller.signal));
    } catch (error) {
      throw toGatewayError(error, candidate);
    } finally {
      timer.cancel();
      stopForwarding();
    }
  };

  // `tries` counts the tries made so far on this candidate, the failed one included.
  const decide = (error: GatewayError, tries: number) =>
    decideNextStep({
      error,
      callAborted: callSignal.aborted,
      retry: {
        tries,
        hasAlternative: options.hasAlternative,
        now: clock.now(),
        deadline,
        jitter: context.random(),
        policy: retry,
      },
    });

  const report = (error: GatewayError, step: NextStep) => {
    if (context.events.listenerCount('attempt-error') > 0) {
      context.events.emit('attempt-error', {
        callId: options.callId,
        route,
        error,
        try: counter.tries,
        retrying: step.action === 'retry',
        retryDelayMs: step.action === 'retry' ? step.delayMs : undefined,
      });
    }
  };

  const onFailure = (thrown: unknown): GatewayError => {
    const error = toGatewayError(thrown, candidate);
    const billed = acceptReportedCost(
      error.billedCostUsd,
      (message) =>
        context.logger.warn(`[llm-router] ${candidate.gateway}: ${message}`, {
          callId: options.callId,
          gateway: candidate.gateway,
        }),
      'a failed attempt',
    );
    if (billed !== undefined) counter.billedNanoUsd += Math.round(billed * NANO_USD_PER_USD);
    context.availability.recordFailure(candidate.gateway, provider, error);
    return error;
  };

  return pRetry(tryOnce, {
    // p-retry's budget is the table's: once it is spent, p-retry stops without asking shouldRetry.
    retries: retry.maxRetries,
    // The table says how long to wait; the wait runs on the router's clock in shouldRetry, so
    // p-retry schedules no timer of its own.
    minTimeout: 0,
    onFailedAttempt: ({ error, retriesLeft }) => {
      const failure = onFailure(error);
      if (retriesLeft === 0) report(failure, decide(failure, counter.tries));
    },
    shouldRetry: async ({ error }) => {
      const failure = toGatewayError(error, candidate);
      const step = decide(failure, counter.tries);
      report(failure, step);
      if (step.action !== 'retry') return false;
      await sleep(clock, step.delayMs, callSignal);
      return true;
    },
  });
}
