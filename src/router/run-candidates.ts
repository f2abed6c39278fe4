import type { BreakerRegistry } from '../breaker/breaker-registry.ts';
import {
  AllCandidatesFailedError,
  CallAbortedError,
  CallTimeoutError,
  NoCandidatesError,
  RequestRejectedError,
} from '../errors/call-errors.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { RouterError } from '../errors/router-error.ts';
import { LimitExceededError } from '../limits/limit-exceeded-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import type { Clock } from '../types/clock.ts';
import type { GatewayErrorKind } from '../types/error-kinds.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { AvailabilityTracker } from './availability-tracker.ts';
import type { CallObserver } from './call-observer.ts';
import { CallDeadlineReason, type CallSignal } from './call-signal.ts';
import type { CandidateRun } from './candidate-run.ts';
import { decideNextStep } from './decide-next-step.ts';
import type { Admission, LimitAdmission } from './limit-admission.ts';
import type { CallPlan } from './plan-call.ts';
import type { CallKeys, CredentialResolver, Credentials } from './resolve-credentials.ts';
import { type AttemptRunner, runAttempt, type TryOnce } from './run-attempt.ts';

/** What the candidate loop of a router uses; built once by `createRouter()`. */
export interface CandidateLoop {
  readonly clock: Clock;
  readonly availability: Pick<AvailabilityTracker, 'of'>;
  readonly breakers: Pick<BreakerRegistry, 'retryAfterMs'>;
  /** Which key pays for each attempt (BYOK or the organisation's). */
  readonly credentials: Pick<CredentialResolver, 'forCandidate' | 'organisation'>;
  /** Limits and quotas, checked per attempt while any is configured. */
  readonly limits: Pick<LimitAdmission, 'active' | 'admit'>;
  /** Candidates actually tried per call (skips not counted). */
  readonly maxCandidates: number;
  readonly attempts: AttemptRunner;
}

/** Builds the function that makes one try on a candidate with the given credentials. */
export type TryFactory<T> = (candidate: Candidate, route: Route, credentials: Credentials) => TryOnce<T>;

/**
 * Thrown by `runCandidates`: the error for the caller (a `CallError`, or a `LimitExceededError`
 * when limits refused every candidate), the attempts made and the route last tried.
 */
export class CallFailure extends Error {
  readonly error: RouterError;
  readonly attempts: readonly Attempt[];
  readonly lastRoute: Route | undefined;

  constructor(error: RouterError, attempts: readonly Attempt[], lastRoute: Route | undefined) {
    super(error.message);
    this.error = error;
    this.attempts = attempts;
    this.lastRoute = lastRoute;
  }
}

export function routeOf(candidate: Candidate, keyId: string, byokFallback?: Route['byokFallback']): Route {
  return {
    provider: candidate.model.provider,
    model: candidate.model.id,
    gateway: candidate.gateway,
    gatewayModel: candidate.gatewayModel,
    keyId,
    ...(byokFallback ? { byokFallback } : {}),
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

/** What one call has learned about its candidates so far. */
interface CallState {
  /** Set once a context window overflowed: only larger windows are tried after that. */
  contextLimit: number;
  /** Gateways that failed as a whole (down, timing out, key rejected) during this call. */
  readonly failedGateways: Map<string, GatewayError>;
  /** Candidates actually tried (skips not counted), against `retry.maxCandidates`. */
  tried: number;
}

/**
 * Why a candidate cannot be tried right now, before any credentials are looked at; `undefined`
 * when it can. `allowCooling` lets a candidate cooling down after a rate limit through (when
 * nothing else is left).
 */
function refusal(
  loop: CandidateLoop,
  candidate: Candidate,
  state: CallState,
  allowCooling: boolean,
): GatewayError | undefined {
  if (candidate.model.contextWindow <= state.contextLimit) {
    return skipError(
      candidate,
      'context-window',
      `context window ${candidate.model.contextWindow} is not larger than one that overflowed`,
    );
  }
  const failed = state.failedGateways.get(candidate.gateway);
  if (failed)
    return skipError(
      candidate,
      failed.kind,
      `${candidate.gateway} already failed in this call: ${failed.message}`,
    );
  const availability = loop.availability.of(candidate);
  if (availability.breaker === 'open') {
    const wait = loop.breakers.retryAfterMs(candidate.gateway, candidate.model.provider);
    return skipError(
      candidate,
      'breaker-open',
      `circuit breaker for ${candidate.gateway}/${candidate.model.provider} is open`,
      wait,
    );
  }
  if (availability.cooldownMs > 0 && !allowCooling) {
    return skipError(
      candidate,
      'rate-limited',
      `cooling down for ${availability.cooldownMs} ms after a rate limit`,
      availability.cooldownMs,
    );
  }
  return undefined;
}

/** Whether any candidate after `index` could be tried now (cooling ones included). */
function viableAfter(
  loop: CandidateLoop,
  candidates: readonly Candidate[],
  index: number,
  state: CallState,
): boolean {
  for (let next = index + 1; next < candidates.length; next++) {
    if (!refusal(loop, candidates[next] as Candidate, state, true)) return true;
  }
  return false;
}

/** The limit that frees up soonest among refused candidates: rate limits before USD budgets. */
function soonestLimit(attempts: readonly Attempt[]): LimitExceededError | undefined {
  let best: LimitExceededError | undefined;
  for (const attempt of attempts) {
    const cause = attempt.error?.cause;
    if (!LimitExceededError.isInstance(cause)) continue;
    const better =
      !best ||
      (best.isQuota && !cause.isQuota) ||
      (best.isQuota === cause.isQuota && cause.retryAfterMs < best.retryAfterMs);
    if (better) best = cause;
  }
  return best;
}

/**
 * Tries the plan's candidates in order until one answers. Skips candidates refused right now
 * (open breaker, cooling down, no key under `byok: 'required'`, no limit headroom, smaller context
 * than one that overflowed), runs each through `runAttempt`, has `observer` emit and log a
 * `fallback` for every move, and, as the decision table says, stops at once on a final error (the request itself was rejected, or the call
 * was aborted). A user's key that the provider refuses is set aside for the rest of the call and
 * revalidated in the background. When limits refused every candidate, the call fails with the
 * `LimitExceededError` that frees up soonest, or, with `waitForHeadroomMs`, waits for it.
 */
export async function runCandidates<T>(
  loop: CandidateLoop,
  plan: CallPlan,
  call: CallSignal,
  observer: CallObserver,
  tryCandidate: TryFactory<T>,
): Promise<CandidateRun<T>> {
  const { clock } = loop;
  const attempts: Attempt[] = [];
  const candidates = plan.candidates;
  const keys: CallKeys = new Map();
  const user = plan.options.user;
  let lastRoute: Route | undefined;
  const state: CallState = { contextLimit: 0, failedGateways: new Map(), tried: 0 };
  let pending: { from: Route; error: GatewayError; skipped: number } | undefined;
  // Candidates refused only for want of rate-limit headroom, for a final wait.
  const limited: { candidate: Candidate; credentials: Credentials; retryAfterMs: number }[] = [];

  const fail = (error: RouterError): never => {
    throw new CallFailure(error, attempts, lastRoute);
  };
  const leave = (route: Route, error: GatewayError) => {
    if (pending) pending.skipped++;
    else pending = { from: route, error, skipped: 1 };
  };
  const skip = (route: Route, error: GatewayError) => {
    attempts.push({ route, outcome: 'skipped', error, tries: 0, latencyMs: 0 });
    leave(route, error);
  };

  /** One candidate, admitted: its tries. Returns the run, or `undefined` to move on. */
  const attempt = async (
    candidate: Candidate,
    credentials: Credentials,
    admission: Admission | undefined,
    hasAlternative: boolean,
  ) => {
    state.tried++;
    const route = routeOf(candidate, credentials.keyId, credentials.byokFallback);
    if (pending) {
      observer.fellBack(pending.from, pending.error, pending.skipped, route);
      pending = undefined;
    }
    lastRoute = route;
    observer.attemptStarted(route, admission);
    const started = clock.now();
    const outcome = await runAttempt(loop.attempts, {
      candidate,
      callSignal: call.signal,
      deadline: call.deadline,
      hasAlternative,
      tryOnce: tryCandidate(candidate, route, credentials),
      onTryFailed: (error, tries, step) => observer.tryFailed(candidate, route, error, tries, step),
    });
    const latencyMs = clock.now() - started;
    if (outcome.ok) {
      observer.attemptSucceeded(candidate, latencyMs);
      attempts.push({ route, outcome: 'ok', tries: outcome.tries, latencyMs });
      return {
        value: outcome.value,
        candidate,
        route,
        attempts,
        fallback: attempts.length > 1,
      } satisfies CandidateRun<T>;
    }
    // Nothing used, unless the gateway billed the failure: then that is what the attempt cost.
    observer.attemptFailed();
    const { error } = outcome;
    attempts.push({ route, outcome: 'error', error, tries: outcome.tries, latencyMs });
    const step = decideNextStep({ error, callAborted: call.signal.aborted });
    if (step.action === 'stop') {
      if (step.because === 'aborted') return undefined;
      fail(new RequestRejectedError({ callId: plan.callId, attempts, error }));
    }
    if (step.action === 'move-on') {
      if (step.largerContextOnly)
        state.contextLimit = Math.max(state.contextLimit, candidate.model.contextWindow);
      if (step.skipGateway) state.failedGateways.set(candidate.gateway, error);
      if (step.reportKey && credentials.apiKey && user !== undefined)
        observer.keyRejected(credentials.keyId, user, candidate.model.provider, error.status, keys);
    }
    leave(route, error);
    return undefined;
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
    if (call.signal.aborted) break;
    const candidate = candidates[index] as Candidate;
    if (state.tried >= loop.maxCandidates) break;
    let refused = refusal(loop, candidate, state, false);
    // A candidate cooling down after a rate limit is still tried when nothing after it could be.
    if (refused?.kind === 'rate-limited' && !viableAfter(loop, candidates, index, state)) refused = undefined;
    if (refused) {
      skip(routeOf(candidate, loop.credentials.organisation(candidate).keyId), refused);
      continue;
    }
    const credentials = await loop.credentials.forCandidate(user, candidate, keys, plan.callId);
    if (GatewayError.isInstance(credentials)) {
      skip(routeOf(candidate, loop.credentials.organisation(candidate).keyId), credentials);
      continue;
    }
    const admission = loop.limits.active ? await loop.limits.admit(plan, candidate, credentials) : undefined;
    if (GatewayError.isInstance(admission)) {
      skip(routeOf(candidate, credentials.keyId), admission);
      const cause = admission.cause;
      if (LimitExceededError.isInstance(cause) && !cause.isQuota && !cause.tooLarge) {
        limited.push({ candidate, credentials, retryAfterMs: cause.retryAfterMs });
      }
      continue;
    }
    const run = await attempt(candidate, credentials, admission, viableAfter(loop, candidates, index, state));
    if (run) return run;
  }

  const waitMs = plan.options.waitForHeadroomMs ?? 0;
  if (!call.signal.aborted && waitMs > 0 && limited.length > 0) {
    // Every candidate that could serve was out of rate-limit headroom: wait for the one that frees
    // up first, up to waitForHeadroomMs (and the call's deadline).
    const next = limited.reduce((soonest, entry) =>
      entry.retryAfterMs < soonest.retryAfterMs ? entry : soonest,
    );
    const until = Math.min(call.deadline, clock.now() + waitMs);
    try {
      const admission = await loop.limits.admit(plan, next.candidate, next.credentials, {
        until,
        signal: call.signal,
      });
      if (GatewayError.isInstance(admission))
        skip(routeOf(next.candidate, next.credentials.keyId), admission);
      else {
        const run = await attempt(next.candidate, next.credentials, admission, false);
        if (run) return run;
      }
    } catch {
      // Aborted while waiting: reported below.
    }
  }

  if (call.signal.aborted) {
    const reason: unknown = call.signal.reason;
    if (reason instanceof CallDeadlineReason) {
      fail(new CallTimeoutError({ callId: plan.callId, attempts, timeoutMs: reason.timeoutMs }));
    }
    fail(new CallAbortedError({ callId: plan.callId, attempts, cause: reason }));
  }
  const refusedByLimits =
    attempts.length > 0 && attempts.every((entry) => entry.error?.kind === 'limit-exceeded');
  const limit = refusedByLimits ? soonestLimit(attempts) : undefined;
  if (limit) fail(limit);
  return fail(new AllCandidatesFailedError({ callId: plan.callId, attempts }));
}
