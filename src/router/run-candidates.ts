import {
  AllCandidatesFailedError,
  CallAbortedError,
  type CallError,
  CallTimeoutError,
  NoCandidatesError,
  RequestRejectedError,
} from '../errors/call-errors.ts';
import { GatewayError, type GatewayErrorKind } from '../errors/gateway-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import { attemptWithRetries, type TryOnce, toGatewayError } from './attempt-with-retries.ts';
import { CallDeadlineReason, type CallSignal } from './call-signal.ts';
import type { CallPlan } from './plan-call.ts';
import type { Attempt, Route } from './route.ts';
import type { RouterContext } from './router-context.ts';

/** The candidate that answered, and how the call got there. */
export interface CandidateRun<T> {
  readonly value: T;
  readonly candidate: Candidate;
  readonly route: Route;
  readonly attempts: readonly Attempt[];
  /** Whether the call left its first-ranked candidate. */
  readonly fallback: boolean;
}

/** Thrown by `runCandidates`: the call error plus the route last tried (for the usage record). */
export class CallFailure extends Error {
  readonly error: CallError;
  readonly lastRoute: Route | undefined;

  constructor(error: CallError, lastRoute: Route | undefined) {
    super(error.message);
    this.error = error;
    this.lastRoute = lastRoute;
  }
}

export function routeOf(context: RouterContext, candidate: Candidate, keyId?: string): Route {
  return {
    provider: candidate.model.provider,
    model: candidate.model.id,
    gateway: candidate.gateway,
    gatewayModel: candidate.gatewayModel,
    keyId: keyId ?? context.keyIdFor(candidate.gateway),
  };
}

function skipError(
  candidate: Candidate,
  kind: GatewayErrorKind,
  message: string,
  retryAfterMs?: number,
): GatewayError {
  return new GatewayError({
    kind,
    gateway: candidate.gateway,
    provider: candidate.model.provider,
    model: candidate.gatewayModel,
    message,
    retryAfterMs,
  });
}

/**
 * Tries the plan's candidates in order until one answers. Skips candidates refused right now
 * (open breaker, cooling down, smaller context than one that overflowed), retries each within
 * `attemptWithRetries`, emits and logs a `fallback` for every move, and stops at once on a final
 * error (the request itself was rejected, or the call was aborted).
 */
export async function runCandidates<T>(
  context: RouterContext,
  plan: CallPlan,
  call: CallSignal,
  tryCandidate: (candidate: Candidate, route: Route) => TryOnce<T>,
): Promise<CandidateRun<T>> {
  const { clock } = context;
  const attempts: Attempt[] = [];
  const candidates = plan.candidates;
  let lastRoute: Route | undefined;
  let contextLimit = Number.POSITIVE_INFINITY;
  let pending: { from: Route; error: GatewayError; skipped: number } | undefined;

  const fail = (error: CallError): never => {
    throw new CallFailure(error, lastRoute);
  };
  const leave = (route: Route, error: GatewayError) => {
    if (pending) pending.skipped++;
    else pending = { from: route, error, skipped: 1 };
  };

  if (candidates.length === 0) {
    fail(
      new NoCandidatesError({
        callId: plan.callId,
        message: 'No model, provider and gateway can serve this call',
        excluded: plan.excluded,
      }),
    );
  }

  for (let index = 0; index < candidates.length; index++) {
    const candidate = candidates[index] as Candidate;
    const route = routeOf(context, candidate);
    if (call.signal.aborted) break;
    const isLast = index === candidates.length - 1;

    let skip: GatewayError | undefined;
    if (candidate.model.contextWindow <= contextLimit && Number.isFinite(contextLimit)) {
      skip = skipError(
        candidate,
        'context-window',
        `context window ${candidate.model.contextWindow} is not larger than one that overflowed`,
      );
    } else {
      const availability = context.availability.of(candidate);
      if (availability.breaker === 'open') {
        const wait = context.breakers.retryAfterMs(candidate.gateway, candidate.model.provider);
        skip = skipError(
          candidate,
          'breaker-open',
          `circuit breaker for ${candidate.gateway}/${candidate.model.provider} is open`,
          wait,
        );
      } else if (availability.cooldownMs > 0 && !isLast) {
        skip = skipError(
          candidate,
          'rate-limited',
          `cooling down for ${availability.cooldownMs} ms after a rate limit`,
          availability.cooldownMs,
        );
      }
    }
    if (skip) {
      attempts.push({ route, outcome: 'skipped', error: skip, tries: 0, latencyMs: 0 });
      leave(route, skip);
      continue;
    }

    if (pending) {
      const event = {
        callId: plan.callId,
        from: pending.from,
        to: route,
        reason: pending.error.kind,
        message: pending.error.message,
        skipped: pending.skipped,
      };
      context.events.emit('fallback', event);
      context.logger.warn(
        `[llm-router] fallback ${event.from.gateway}:${event.from.gatewayModel} -> ${route.gateway}:${route.gatewayModel} (${event.reason}: ${event.message})`,
        { callId: plan.callId, reason: event.reason },
      );
      pending = undefined;
    }

    lastRoute = route;
    const started = clock.now();
    const counter = { tries: 0 };
    try {
      const value = await attemptWithRetries({
        context,
        callId: plan.callId,
        candidate,
        route,
        callSignal: call.signal,
        deadline: call.deadline,
        hasAlternative: !isLast,
        tryOnce: tryCandidate(candidate, route),
        counter,
      });
      const latencyMs = clock.now() - started;
      context.availability.recordSuccess(candidate.gateway, candidate.model.provider, latencyMs);
      attempts.push({ route, outcome: 'ok', tries: counter.tries, latencyMs });
      return { value, candidate, route, attempts, fallback: attempts.length > 1 };
    } catch (thrown) {
      const error = toGatewayError(thrown, candidate);
      attempts.push({
        route,
        outcome: 'error',
        error,
        tries: counter.tries,
        latencyMs: clock.now() - started,
      });
      if (call.signal.aborted) break;
      if (error.isFinal) fail(new RequestRejectedError({ callId: plan.callId, attempts, error }));
      if (error.kind === 'context-window')
        contextLimit = Math.min(contextLimit, candidate.model.contextWindow);
      leave(route, error);
    }
  }

  if (call.signal.aborted) {
    const reason: unknown = call.signal.reason;
    if (reason instanceof CallDeadlineReason) {
      fail(new CallTimeoutError({ callId: plan.callId, attempts, timeoutMs: reason.timeoutMs }));
    }
    fail(new CallAbortedError({ callId: plan.callId, attempts, cause: reason }));
  }
  return fail(new AllCandidatesFailedError({ callId: plan.callId, attempts }));
}
