import type { EventEmitter } from 'eventemitter3';
import type { BreakerRegistry } from '../breaker/breaker-registry.ts';
import type { CallError } from '../errors/call-errors.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { RouterError } from '../errors/router-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import type { ChatMessage, Cost, FinishReason, TokenUsage } from '../types/chat.ts';
import type { Clock } from '../types/clock.ts';
import type { Logger } from '../types/logger.ts';
import type { ProviderId } from '../types/model.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { RateLimitSnapshot } from '../types/transport.ts';
import type { UsageRecord, UsageStatus } from '../types/usage-record.ts';
import type { UsageTracker } from '../types/usage-tracker.ts';
import { NANO_USD_PER_USD } from '../usage/money-sum.ts';
import type { AvailabilityTracker } from './availability-tracker.ts';
import { failureRecord, successRecord, withBilledFailures } from './call-records.ts';
import type { NextStep } from './decide-next-step.ts';
import type { Admission } from './limit-admission.ts';
import type { CallPlan } from './plan-call.ts';
import { acceptReportedCost, type FigureWarning } from './reported-figures.ts';
import type { CallKeys, CredentialResolver } from './resolve-credentials.ts';
import type { RouterEventMap } from './router-events.ts';

/** What a call observer writes to: one set per router, built by `createRouter()`. */
export interface CallObserverSinks {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventEmitter<RouterEventMap>;
  readonly tracker: UsageTracker;
  /** Learns each attempt's outcome and the answers' rate-limit headers. */
  readonly availability: AvailabilityTracker;
  /** Hears of stream failures after the first part (outside any breaker's `fire`). */
  readonly breakers: Pick<BreakerRegistry, 'reportFailure'>;
  /** Hears of refused user keys; names the organisation key of a route. */
  readonly credentials: Pick<CredentialResolver, 'rejected' | 'organisation'>;
}

/** How the call reached its answering candidate. */
export interface AnsweredRoute {
  readonly route: Route;
  readonly attempts: readonly Attempt[];
  readonly fallback: boolean;
}

/** How a call that reached a candidate ended. */
export interface CallEnding {
  readonly status: UsageStatus;
  readonly usage: TokenUsage;
  /** The call's cost, from `settle()`. */
  readonly cost: Cost;
  readonly timeToFirstTokenMs?: number | undefined;
  /** For `call-end`; absent when the call ended with `error`. */
  readonly answer?:
    | { readonly finishReason: FinishReason; readonly message: Extract<ChatMessage, { role: 'assistant' }> }
    | undefined;
  /** A stream that broke part-way: `call-error` instead of `call-end`. */
  readonly error?: CallError | undefined;
  readonly errorKind?: UsageRecord['errorKind'];
}

/**
 * Everything one call leaves behind, in one place, for `chat` and `stream` alike: its events
 * (`call-start`, `attempt-start`, `attempt-error`, `fallback`, `call-end`, `call-error`, `usage`),
 * its log lines, what each attempt taught the availability tracker, the settling or release of
 * each attempt's limit reservation (with what gateways billed for failed tries), refused user keys,
 * and the one usage record.
 */
export class CallObserver {
  private readonly plan: CallPlan;
  private readonly stream: boolean;
  private readonly sinks: CallObserverSinks;
  /** What gateways billed for failed tries of earlier attempts, in nano-dollars. */
  private billedNanoUsd = 0;
  /** Of the current attempt. */
  private attemptBilledNanoUsd = 0;
  private admission: Admission | undefined;
  private settled = false;

  constructor(plan: CallPlan, stream: boolean, sinks: CallObserverSinks) {
    this.plan = plan;
    this.stream = stream;
    this.sinks = sinks;
  }

  /** Logs a reported figure the router ignored, with the call's id and the gateway that sent it. */
  figureWarning(gateway: string): FigureWarning {
    const { logger } = this.sinks;
    const callId = this.plan.callId;
    return (message) => logger.warn(`[llm-router] ${gateway}: ${message}`, { callId, gateway });
  }

  /** Emits `call-start`, when anyone listens. */
  callStarted(): void {
    const { events, credentials } = this.sinks;
    if (events.listenerCount('call-start') === 0) return;
    const plan = this.plan;
    const first = plan.candidates[0];
    const preferred: Route | undefined = first
      ? {
          provider: first.model.provider,
          model: first.model.id,
          gateway: first.gateway,
          gatewayModel: first.gatewayModel,
          keyId: credentials.organisation(first).keyId,
        }
      : undefined;
    events.emit('call-start', {
      callId: plan.callId,
      user: plan.options.user,
      tags: plan.options.tags ?? [],
      stream: this.stream,
      candidates: plan.candidates.length,
      preferred,
      options: plan.options,
    });
  }

  /** The call leaves `from` (and `skipped` candidates in all) for `to`: emits and logs `fallback`. */
  fellBack(from: Route, error: GatewayError, skipped: number, to: Route): void {
    const event = {
      callId: this.plan.callId,
      from,
      to,
      reason: error.kind,
      message: error.message,
      skipped,
    };
    this.sinks.events.emit('fallback', event);
    this.sinks.logger.warn(
      `[llm-router] fallback ${from.gateway}:${from.gatewayModel} -> ${to.gateway}:${to.gatewayModel} (${event.reason}: ${event.message})`,
      { callId: this.plan.callId, reason: event.reason },
    );
  }

  /** An attempt begins on `route`, holding `admission` (limit headroom) when limits apply. */
  attemptStarted(route: Route, admission: Admission | undefined): void {
    this.admission = admission;
    this.attemptBilledNanoUsd = 0;
    const { events } = this.sinks;
    if (events.listenerCount('attempt-start') > 0)
      events.emit('attempt-start', { callId: this.plan.callId, route });
  }

  /** One try failed, and the decision table said `step`: counts what it cost and what it says. */
  tryFailed(candidate: Candidate, route: Route, error: GatewayError, tries: number, step: NextStep): void {
    const billed = acceptReportedCost(
      error.billedCostUsd,
      this.figureWarning(candidate.gateway),
      'a failed attempt',
    );
    if (billed !== undefined) this.attemptBilledNanoUsd += Math.round(billed * NANO_USD_PER_USD);
    this.sinks.availability.recordFailure(candidate.gateway, candidate.model.provider, error);
    const { events } = this.sinks;
    if (events.listenerCount('attempt-error') > 0) {
      events.emit('attempt-error', {
        callId: this.plan.callId,
        route,
        error,
        try: tries,
        retrying: step.action === 'retry',
        retryDelayMs: step.action === 'retry' ? step.delayMs : undefined,
      });
    }
  }

  /**
   * The attempt gave up: its reservation is released, or, when the gateway billed the failure,
   * settled with what it cost.
   */
  attemptFailed(): void {
    const billed = this.attemptBilledNanoUsd;
    if (billed > 0) this.admission?.settle({ tokens: 0, costUsd: billed / NANO_USD_PER_USD });
    else this.admission?.release();
    this.admission = undefined;
    this.billedNanoUsd += billed;
    this.attemptBilledNanoUsd = 0;
  }

  /** The attempt answered after `latencyMs`. */
  attemptSucceeded(candidate: Candidate, latencyMs: number): void {
    this.sinks.availability.recordSuccess(candidate.gateway, candidate.model.provider, latencyMs);
  }

  /** A user's key was refused by its provider: set aside for the call and revalidated. */
  keyRejected(
    keyId: string,
    user: string,
    provider: ProviderId,
    status: number | undefined,
    keys: CallKeys,
  ): void {
    this.sinks.credentials.rejected(keyId, user, provider, status, keys);
  }

  /** The answer's rate-limit headers. */
  rateLimitSeen(candidate: Candidate, rateLimit: RateLimitSnapshot | undefined): void {
    this.sinks.availability.recordRateLimit(candidate.gateway, candidate.model.provider, rateLimit);
  }

  /**
   * Settles the answering attempt's limit reservation with what it used (and what its failed tries
   * were billed), once, and returns the call's cost: the answer's plus every billed failure.
   */
  settle(usage: TokenUsage, answerCost: Cost): Cost {
    const attemptBilled = this.attemptBilledNanoUsd;
    if (!this.settled) {
      this.settled = true;
      this.admission?.settle({
        tokens: usage.totalTokens,
        costUsd: answerCost.usd + attemptBilled / NANO_USD_PER_USD,
      });
      this.admission = undefined;
    }
    return withBilledFailures(answerCost, this.billedNanoUsd + attemptBilled);
  }

  /** A stream broke after content reached the caller: counted in the breaker its scope belongs to. */
  streamBroke(error: GatewayError): void {
    this.sinks.breakers.reportFailure(error);
  }

  /** The call reached a candidate and ended: one usage record, then `call-end` or `call-error`. */
  finished(answered: AnsweredRoute, ending: CallEnding): number {
    const finishedAt = this.sinks.clock.now();
    const plan = this.plan;
    this.record(
      successRecord(
        plan,
        answered,
        ending.usage,
        ending.cost,
        finishedAt,
        ending.timeToFirstTokenMs,
        ending.status,
        this.stream,
        ending.errorKind,
      ),
    );
    const latencyMs = finishedAt - plan.startedAt;
    const { events } = this.sinks;
    if (ending.error) {
      events.emit('call-error', {
        callId: plan.callId,
        error: ending.error,
        attempts: answered.attempts,
        latencyMs,
      });
    } else if (ending.answer && events.listenerCount('call-end') > 0) {
      events.emit('call-end', {
        callId: plan.callId,
        route: answered.route,
        usage: ending.usage,
        cost: ending.cost,
        latencyMs,
        attempts: answered.attempts,
        finishReason: ending.answer.finishReason,
        message: ending.answer.message,
      });
    }
    return latencyMs;
  }

  /** No candidate answered: emits `call-error`, records the failure once. */
  failed(error: RouterError, attempts: readonly Attempt[], lastRoute: Route | undefined): void {
    const finishedAt = this.sinks.clock.now();
    const plan = this.plan;
    this.sinks.events.emit('call-error', {
      callId: plan.callId,
      error,
      attempts,
      latencyMs: finishedAt - plan.startedAt,
    });
    this.record(failureRecord(plan, error, attempts, lastRoute, finishedAt, this.stream, this.billedNanoUsd));
  }

  /**
   * Hands the record to the tracker and emits `usage`, once. The tracker cannot fail or slow the
   * call: a throw or a rejected promise becomes a `tracker-error` event.
   */
  private record(record: UsageRecord): void {
    const { tracker, events } = this.sinks;
    try {
      const pending = tracker.record(record);
      if (pending && typeof (pending as Promise<void>).then === 'function') {
        (pending as Promise<void>).then(undefined, (error: unknown) => this.trackerFailed(error));
      }
    } catch (error) {
      this.trackerFailed(error);
    }
    events.emit('usage', record);
  }

  private trackerFailed(error: unknown): void {
    const callId = this.plan.callId;
    this.sinks.logger.error('[llm-router] usage tracker failed to record a call', { callId });
    this.sinks.events.emit('tracker-error', { callId, error });
  }
}
