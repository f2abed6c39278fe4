import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { StreamInterruptedError } from '../errors/call-errors.ts';
import type {
  AttemptErrorEvent,
  AttemptStartEvent,
  BreakerEvent,
  CallEndEvent,
  CallErrorEvent,
  CallStartEvent,
  FallbackEvent,
} from '../router/router-events.ts';
import type { Route } from '../types/route.ts';
import type { UsageRecord } from '../types/usage-record.ts';
import { GEN_AI, GENERAL, LLM_ROUTER } from './attribute-names.ts';
import { inputMessagesJson, outputMessagesJson, toolDefinitionsJson } from './content-messages.ts';
import { genAiFinishReason, genAiProviderName } from './gen-ai-values.ts';

/** The span of the candidate being tried. Attempts of one call run one after another. */
interface AttemptTrace {
  readonly span: Span;
  readonly route: Route;
}

/** Why an attempt failed: its gateway error, or the call's error when the call ended it. */
interface AttemptFailure {
  readonly kind: string;
  readonly message: string;
  readonly status?: number | undefined;
}

/** What one call in flight has left open. */
interface CallTrace {
  readonly span: Span;
  /** The caller's context with the call span in it: the parent of the attempt spans. */
  readonly context: Context;
  readonly stream: boolean;
  /** Request attributes, repeated on every attempt span. */
  readonly request: Attributes;
  attempt: AttemptTrace | undefined;
  attempts: number;
  fellBack: boolean;
  /** The call's usage record, which arrives just before `call-end` (and before a stream's `call-error`). */
  record: UsageRecord | undefined;
}

/** Calls left open beyond this many (streams created and never read) are ended as abandoned. */
const MAX_OPEN_CALLS = 10_000;

const SECONDS_PER_MS = 0.001;

/**
 * Turns the router's events into spans: one `chat {model}` CLIENT span per call, parented to the
 * caller's active context at `chat()` / `stream()` time, and one child span per candidate tried,
 * with the GenAI semantic-convention attributes and the router's own under `llm_router.*`.
 * Fallbacks, retries and breaker changes are span events. A call whose span is not recording (a
 * no-op tracer, or not sampled) leaves nothing behind: no state, no attempt spans.
 */
export class CallTracing {
  private readonly tracer: Tracer;
  private readonly captureContent: boolean;
  private readonly calls = new Map<string, CallTrace>();

  constructor(tracer: Tracer, captureContent: boolean) {
    this.tracer = tracer;
    this.captureContent = captureContent;
  }

  /** Calls whose span is open. */
  get openCalls(): number {
    return this.calls.size;
  }

  start(event: CallStartEvent): void {
    const { options, preferred } = event;
    const request: Attributes = {};
    if (event.stream) request[GEN_AI.requestStream] = true;
    if (options.maxTokens !== undefined) request[GEN_AI.requestMaxTokens] = options.maxTokens;
    if (options.temperature !== undefined) request[GEN_AI.requestTemperature] = options.temperature;
    if (options.responseFormat) request[GEN_AI.outputType] = options.responseFormat.type;
    const attributes: Attributes = {
      ...request,
      [GEN_AI.operationName]: 'chat',
      [GEN_AI.providerName]: genAiProviderName(preferred?.provider),
      [LLM_ROUTER.callId]: event.callId,
      [LLM_ROUTER.candidates]: event.candidates,
    };
    if (preferred) attributes[GEN_AI.requestModel] = preferred.model;
    if (event.user !== undefined) attributes[LLM_ROUTER.user] = event.user;
    if (event.tags.length > 0) attributes[LLM_ROUTER.tags] = [...event.tags];
    const parent = context.active();
    const span = this.tracer.startSpan(
      preferred ? `chat ${preferred.model}` : 'chat',
      { kind: SpanKind.CLIENT, attributes },
      parent,
    );
    if (!span.isRecording()) return;
    if (this.captureContent) {
      span.setAttribute(GEN_AI.inputMessages, inputMessagesJson(options.messages));
      if (options.tools && options.tools.length > 0)
        span.setAttribute(GEN_AI.toolDefinitions, toolDefinitionsJson(options.tools));
    }
    const reused = this.calls.get(event.callId);
    if (reused) this.abandon(event.callId, reused, 'call-id-reused');
    if (this.calls.size >= MAX_OPEN_CALLS) {
      const [oldestId, oldest] = this.calls.entries().next().value as [string, CallTrace];
      this.abandon(oldestId, oldest, 'abandoned');
    }
    this.calls.set(event.callId, {
      span,
      context: trace.setSpan(parent, span),
      stream: event.stream,
      request,
      attempt: undefined,
      attempts: 0,
      fellBack: false,
      record: undefined,
    });
  }

  attemptStart(event: AttemptStartEvent): void {
    const call = this.calls.get(event.callId);
    if (!call) return;
    if (call.attempt) endAttempt(call.attempt, undefined, undefined);
    const { route } = event;
    call.attempts++;
    const span = this.tracer.startSpan(
      `chat ${route.gatewayModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...call.request,
          [GEN_AI.operationName]: 'chat',
          [GEN_AI.providerName]: genAiProviderName(route.provider),
          [GEN_AI.requestModel]: route.gatewayModel,
          [LLM_ROUTER.callId]: event.callId,
          [LLM_ROUTER.attempt]: call.attempts,
          [LLM_ROUTER.gateway]: route.gateway,
          [LLM_ROUTER.model]: route.model,
          [LLM_ROUTER.keyId]: route.keyId,
        },
      },
      call.context,
    );
    call.attempt = { span, route };
  }

  attemptError(event: AttemptErrorEvent): void {
    const call = this.calls.get(event.callId);
    const attempt = call?.attempt;
    if (!call || !attempt) return;
    const { error } = event;
    if (event.retrying) {
      const attributes: Attributes = {
        [LLM_ROUTER.errorKind]: error.kind,
        [LLM_ROUTER.tries]: event.try,
        [LLM_ROUTER.retryDelayMs]: event.retryDelayMs ?? 0,
      };
      if (error.status !== undefined) attributes[GENERAL.httpResponseStatusCode] = error.status;
      attempt.span.addEvent(LLM_ROUTER.retryEvent, attributes);
      return;
    }
    endAttempt(attempt, error, event.try);
    call.attempt = undefined;
  }

  fallback(event: FallbackEvent): void {
    const call = this.calls.get(event.callId);
    if (!call) return;
    call.span.addEvent(LLM_ROUTER.fallbackEvent, {
      [LLM_ROUTER.fromGateway]: event.from.gateway,
      [LLM_ROUTER.fromModel]: event.from.model,
      [LLM_ROUTER.toGateway]: event.to.gateway,
      [LLM_ROUTER.toModel]: event.to.model,
      [LLM_ROUTER.reason]: event.reason,
      [LLM_ROUTER.message]: event.message,
      [LLM_ROUTER.skipped]: event.skipped,
    });
    if (!call.fellBack) {
      call.fellBack = true;
      call.span.setAttribute(LLM_ROUTER.fallbackReason, event.reason);
    }
  }

  /** A breaker changed state: an event on every attempt in flight behind it. */
  breaker(event: BreakerEvent): void {
    for (const call of this.calls.values()) {
      const route = call.attempt?.route;
      if (!route || route.gateway !== event.gateway) continue;
      if (event.provider !== undefined && event.provider !== route.provider) continue;
      call.attempt?.span.addEvent(LLM_ROUTER.breakerEvent, {
        [LLM_ROUTER.breakerName]: event.name,
        [LLM_ROUTER.breakerState]: event.state,
      });
    }
  }

  usage(record: UsageRecord): void {
    const call = this.calls.get(record.callId);
    if (call) call.record = record;
  }

  end(event: CallEndEvent): void {
    const call = this.take(event.callId);
    if (!call) return;
    const { route, usage, cost } = event;
    const { span } = call;
    const outcome: Attributes = {
      [GEN_AI.providerName]: genAiProviderName(route.provider),
      [GEN_AI.responseModel]: route.model,
      [GEN_AI.responseFinishReasons]: [genAiFinishReason(event.finishReason)],
      [LLM_ROUTER.gateway]: route.gateway,
      [LLM_ROUTER.keyId]: route.keyId,
      [LLM_ROUTER.costUsd]: cost.usd,
      [LLM_ROUTER.costSource]: cost.source,
      [LLM_ROUTER.attempts]: event.attempts.length,
      ...tokenAttributes(usage, cost.source),
    };
    if (route.byokFallback) outcome[LLM_ROUTER.byokFallbackReason] = route.byokFallback.reason;
    if (call.stream) {
      const record = call.record;
      outcome[LLM_ROUTER.status] = record?.status === 'aborted' ? 'aborted' : 'complete';
      if (record?.timeToFirstTokenMs !== undefined)
        outcome[GEN_AI.responseTimeToFirstChunk] = record.timeToFirstTokenMs * SECONDS_PER_MS;
    }
    if (this.captureContent) {
      const { message } = event;
      outcome[GEN_AI.outputMessages] = outputMessagesJson(
        message.content,
        message.toolCalls,
        event.finishReason,
      );
    }
    span.setAttributes(outcome);
    const attempt = call.attempt;
    if (attempt) {
      attempt.span.setAttributes({
        [GEN_AI.responseModel]: route.gatewayModel,
        [GEN_AI.responseFinishReasons]: [genAiFinishReason(event.finishReason)],
        [LLM_ROUTER.tries]: event.attempts.at(-1)?.tries ?? 1,
        ...tokenAttributes(usage, cost.source),
      });
      attempt.span.end();
    }
    span.end();
  }

  error(event: CallErrorEvent): void {
    const call = this.take(event.callId);
    if (!call) return;
    const { error, attempts } = event;
    const { span } = call;
    const last = attempts.at(-1);
    const interrupted = StreamInterruptedError.isInstance(error) ? error : undefined;
    const attempt = call.attempt;
    if (attempt) {
      // Still open: the stream broke after its first content, or the call ended between tries.
      const cause = interrupted?.error ?? (last?.route === attempt.route ? last.error : undefined);
      endAttempt(attempt, cause ?? { kind: error.name, message: error.message }, last?.tries);
    }
    const outcome: Attributes = {
      [GENERAL.errorType]: error.name,
      [LLM_ROUTER.attempts]: attempts.length,
    };
    const route = interrupted?.route ?? last?.route;
    if (route) {
      outcome[GEN_AI.providerName] = genAiProviderName(route.provider);
      outcome[LLM_ROUTER.gateway] = route.gateway;
      outcome[LLM_ROUTER.keyId] = route.keyId;
    }
    if (interrupted) {
      outcome[GEN_AI.responseModel] = interrupted.route.model;
      outcome[GEN_AI.responseFinishReasons] = ['error'];
      outcome[LLM_ROUTER.costUsd] = interrupted.cost.usd;
      outcome[LLM_ROUTER.costSource] = interrupted.cost.source;
      Object.assign(outcome, tokenAttributes(interrupted.usage, interrupted.cost.source));
      const firstToken = call.record?.timeToFirstTokenMs;
      if (firstToken !== undefined) outcome[GEN_AI.responseTimeToFirstChunk] = firstToken * SECONDS_PER_MS;
      if (this.captureContent)
        outcome[GEN_AI.outputMessages] = outputMessagesJson(
          interrupted.partialText,
          interrupted.partialToolCalls,
          'error',
        );
    }
    span.setAttributes(outcome);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
  }

  /** Ends every span still open, marked as cut short by `disable()`. */
  disable(): void {
    for (const [callId, call] of this.calls) this.abandon(callId, call, 'disabled');
  }

  private take(callId: string): CallTrace | undefined {
    const call = this.calls.get(callId);
    if (call) this.calls.delete(callId);
    return call;
  }

  private abandon(callId: string, call: CallTrace, reason: string): void {
    this.calls.delete(callId);
    if (call.attempt) {
      call.attempt.span.setAttribute(LLM_ROUTER.incomplete, reason);
      call.attempt.span.end();
    }
    call.span.setAttribute(LLM_ROUTER.incomplete, reason);
    call.span.end();
  }
}

/** The conventions' token counts, left out when the router estimated them (no gateway figure). */
function tokenAttributes(
  usage: CallEndEvent['usage'],
  costSource: CallEndEvent['cost']['source'],
): Attributes {
  if (costSource === 'estimated') return {};
  const attributes: Attributes = {
    [GEN_AI.usageInputTokens]: usage.inputTokens,
    [GEN_AI.usageOutputTokens]: usage.outputTokens,
  };
  if (usage.cachedInputTokens > 0) attributes[GEN_AI.usageCacheReadInputTokens] = usage.cachedInputTokens;
  return attributes;
}

/** Ends an attempt span: unset status when it answered, ERROR with `error.type` when it failed. */
function endAttempt(
  attempt: AttemptTrace,
  error: AttemptFailure | undefined,
  tries: number | undefined,
): void {
  const { span } = attempt;
  if (tries !== undefined) span.setAttribute(LLM_ROUTER.tries, tries);
  if (error) {
    span.setAttribute(GENERAL.errorType, error.kind);
    if (error.status !== undefined) span.setAttribute(GENERAL.httpResponseStatusCode, error.status);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}
