import type { EventEmitter } from 'eventemitter3';
import { pricesForPrompt } from '../catalog/compute-cost.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { summarizeError } from '../errors/redact.ts';
import { limitEventName } from '../limits/limit-event.ts';
import { LimitEventGate } from '../limits/limit-event-gate.ts';
import { LimitExceededError } from '../limits/limit-exceeded-error.ts';
import { measurePrompt, type PromptMeasure, promptTokenBound } from '../limits/prompt-token-bound.ts';
import type { RateLimiter, Reservation } from '../limits/rate-limiter.ts';
import { upstreamScopesOf } from '../limits/upstream-blocks.ts';
import type { Candidate } from '../ranking/candidate.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import type { Logger } from '../types/logger.ts';
import type { ModelPricing, ProviderId } from '../types/model.ts';
import type { CallPlan } from './plan-call.ts';
import type { Credentials } from './resolve-credentials.ts';
import type { RouterEventMap } from './router-events.ts';

/** Where limits apply to one attempt: its provider, the key that pays, and the caller. */
export function limitScopesOf(provider: ProviderId, keyId: string, user: string | undefined): string[] {
  const scopes = [`provider:${provider}`, `key:${keyId}`];
  if (user !== undefined) scopes.push(`user:${user}`);
  return scopes;
}

/** Waits for rate-limit headroom instead of skipping the candidate, until `until` (clock time). */
/**
 * Headroom reserved against the limits that apply to one attempt (its provider, key and user).
 * Exactly one of `settle` and `release` is called.
 */
export interface Admission {
  /** The call finished: replace the reserved estimate with what it used. */
  settle(actual: { readonly tokens: number; readonly costUsd: number }): void;
  /** The attempt failed before using anything: give the reservation back. */
  release(): void;
}

export interface AdmissionWait {
  readonly until: number;
  readonly signal: AbortSignal;
}

/**
 * The most a call can cost on a candidate: the prompt's token bound at the higher of the input and
 * cached-input prices, plus `outputTokens` (the call's `maxTokens`) at the output price.
 */
export function costBoundUsd(promptTokens: number, outputTokens: number, pricing: ModelPricing): number {
  const prices = pricesForPrompt(pricing, promptTokens); // a long prompt's tier
  const inputPrice = Math.max(prices.inputPerToken, prices.cachedInputPerToken ?? 0);
  return promptTokens * inputPrice + outputTokens * prices.outputPerToken;
}

/**
 * Limits in routing: before each attempt, reserve headroom in the provider's, the key's and the
 * user's limits at once: one request; the prompt estimate plus `maxTokens` (or the expected output)
 * in tokens; and in USD the most the call can cost on the candidate (`costBoundUsd` of the prompt's
 * `promptTokenBound`). Settle with the actual tokens and cost afterwards, or release on failure. A
 * candidate without headroom is skipped with a `limit-exceeded` attempt error; each limit that
 * refused is emitted as `limit-reached` (rate limits) or `quota-exhausted` (USD budgets) the first
 * time it refuses in its window (`LimitEventGate`).
 */
export class LimitAdmission {
  private readonly limiter: RateLimiter;
  private readonly events: EventEmitter<RouterEventMap>;
  private readonly logger: Logger;
  private readonly configured = new Set<string>();
  private readonly gate = new LimitEventGate();
  // Measured once per call, on its first admission; each candidate's bound is arithmetic on it.
  private readonly measures = new WeakMap<CallPlan, PromptMeasure>();
  /** A shared store: every attempt also checks its gateway's upstream blocks, set by any process. */
  private readonly shared: boolean;

  constructor(
    limiter: RateLimiter,
    events: EventEmitter<RouterEventMap>,
    logger: Logger,
    limits: Readonly<Record<string, LimitSettings>>,
    shared = false,
  ) {
    this.limiter = limiter;
    this.events = events;
    this.logger = logger;
    this.shared = shared;
    for (const [scope, settings] of Object.entries(limits)) this.set(scope, settings);
  }

  /** Whether any limit is configured (or a shared store); without one, calls skip admission entirely. */
  get active(): boolean {
    return this.shared || this.configured.size > 0;
  }

  /** Sets (or with `undefined`, removes) the limits of a scope, at run time. */
  set(scope: string, limits: LimitSettings | undefined): void {
    this.limiter.setLimits(scope, limits);
    if (limits === undefined) this.configured.delete(scope);
    else this.configured.add(scope);
  }

  async admit(
    plan: CallPlan,
    candidate: Candidate,
    credentials: Credentials,
    wait?: AdmissionWait,
  ): Promise<Admission | GatewayError> {
    const promptBound = promptTokenBound(this.measure(plan), candidate.model.provider);
    const request = {
      scopes: [
        ...limitScopesOf(candidate.model.provider, credentials.keyId, plan.options.user),
        ...(this.shared ? upstreamScopesOf(candidate.gateway, candidate.model.provider) : []),
      ],
      estimate: {
        requests: 1,
        tokens: plan.promptTokens + plan.outputTokens,
        costUsd: costBoundUsd(promptBound, plan.outputTokens, candidate.pricing),
      },
    };
    let result: Awaited<ReturnType<RateLimiter['reserve']>>;
    try {
      result = await this.limiter.reserve(
        request,
        wait ? { waitUntil: wait.until, signal: wait.signal } : {},
      );
    } catch (error) {
      if (wait?.signal.aborted) throw error;
      // A shared counter store that cannot answer: refuse rather than spend past a budget blind.
      this.logger.error('[llm-router] the limit store could not reserve headroom', { callId: plan.callId });
      const summary = summarizeError(error);
      return this.refusal(
        candidate,
        `the limit store could not reserve headroom: ${summary.message}`,
        undefined,
        summary,
      );
    }
    if (!result.granted) {
      for (const denial of result.denials) {
        if (this.gate.isNew(denial))
          this.events.emit(limitEventName(denial), { ...denial, callId: plan.callId });
      }
      const cause = new LimitExceededError(result.denial);
      return this.refusal(candidate, cause.message, cause.retryAfterMs, cause);
    }
    return this.admission(result.reservation, plan.callId);
  }

  private measure(plan: CallPlan): PromptMeasure {
    let measure = this.measures.get(plan);
    if (!measure) {
      measure = measurePrompt(plan.options);
      this.measures.set(plan, measure);
    }
    return measure;
  }

  private admission(reservation: Reservation, callId: string): Admission {
    const report = (error: unknown) =>
      this.logger.error('[llm-router] the limit store failed to settle a call', {
        callId,
        error: String(error),
      });
    return {
      settle: (actual) => void this.limiter.settle(reservation, actual).catch(report),
      release: () => void this.limiter.release(reservation).catch(report),
    };
  }

  private refusal(
    candidate: Candidate,
    message: string,
    retryAfterMs: number | undefined,
    cause: unknown,
  ): GatewayError {
    return new GatewayError({
      kind: 'limit-exceeded',
      gateway: candidate.gateway,
      provider: candidate.model.provider,
      model: candidate.gatewayModel,
      scope: 'provider',
      message,
      retryAfterMs,
      cause,
    });
  }
}
