import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { StreamInterruptedError } from '../errors/call-errors.ts';
import type { CallEndEvent, CallErrorEvent } from '../router/router-events.ts';
import type { Cost, TokenUsage } from '../types/chat.ts';
import type { Attempt, Route } from '../types/route.ts';
import type { UsageRecord } from '../types/usage-record.ts';
import {
  DURATION_BUCKETS,
  GEN_AI,
  GEN_AI_METRICS,
  GENERAL,
  LLM_ROUTER,
  TOKEN_BUCKETS,
} from './attribute-names.ts';
import { genAiProviderName } from './gen-ai-values.ts';

const SECONDS_PER_MS = 0.001;

/**
 * The GenAI client metrics, once per call: `gen_ai.client.token.usage` (input and output tokens),
 * `gen_ai.client.operation.duration` (seconds, with `error.type` on failure),
 * `gen_ai.client.operation.time_to_first_chunk` (streams), and `llm_router.client.cost` (USD).
 * Durations are the router's own `latencyMs`, measured on its clock.
 */
export class CallMetrics {
  private readonly tokens: Histogram;
  private readonly duration: Histogram;
  private readonly firstChunk: Histogram;
  private readonly cost: Counter;
  /**
   * A stream's usage record, emitted synchronously just before its `call-end` or `call-error`: the
   * one place its time to first token is told. One slot is enough, nothing runs in between.
   */
  private streamRecord: UsageRecord | undefined;

  constructor(meter: Meter) {
    this.tokens = meter.createHistogram(GEN_AI_METRICS.tokenUsage, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
    });
    this.duration = meter.createHistogram(GEN_AI_METRICS.operationDuration, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    this.firstChunk = meter.createHistogram(GEN_AI_METRICS.timeToFirstChunk, {
      description: 'Time to receive the first chunk of a streamed answer.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
    this.cost = meter.createCounter(LLM_ROUTER.costMetric, {
      description:
        'USD spent on calls through the router, as reported by the gateway or priced from the catalog.',
      unit: '{USD}',
    });
  }

  usage(record: UsageRecord): void {
    if (record.stream) this.streamRecord = record;
  }

  end(event: CallEndEvent): void {
    const attributes = callAttributes(event.attempts, event.route);
    this.duration.record(event.latencyMs * SECONDS_PER_MS, attributes);
    this.spent(attributes, event.usage, event.cost);
    this.firstChunkOf(event.callId, attributes);
  }

  error(event: CallErrorEvent): void {
    const { error, attempts } = event;
    const interrupted = StreamInterruptedError.isInstance(error) ? error : undefined;
    const attributes = callAttributes(attempts, interrupted?.route);
    if (!interrupted) {
      const last = attempts.at(-1)?.route;
      if (last) {
        attributes[GEN_AI.providerName] = genAiProviderName(last.provider);
        attributes[LLM_ROUTER.gateway] = last.gateway;
      }
    }
    this.duration.record(event.latencyMs * SECONDS_PER_MS, {
      ...attributes,
      [GENERAL.errorType]: error.name,
    });
    if (interrupted) {
      this.spent(attributes, interrupted.usage, interrupted.cost);
      this.firstChunkOf(event.callId, attributes);
    }
  }

  /** Tokens (unless estimated: the conventions want only counts the gateway reported) and cost. */
  private spent(attributes: Attributes, usage: TokenUsage, cost: Cost): void {
    if (cost.source !== 'estimated') {
      this.tokens.record(usage.inputTokens, { ...attributes, [GEN_AI.tokenType]: 'input' });
      this.tokens.record(usage.outputTokens, { ...attributes, [GEN_AI.tokenType]: 'output' });
    }
    this.cost.add(cost.usd, attributes);
  }

  private firstChunkOf(callId: string, attributes: Attributes): void {
    const record = this.streamRecord;
    this.streamRecord = undefined;
    if (record?.callId !== callId || record.timeToFirstTokenMs === undefined) return;
    this.firstChunk.record(record.timeToFirstTokenMs * SECONDS_PER_MS, attributes);
  }
}

/**
 * Attributes of a call's metrics: the first-ranked candidate's model as the request model, and the
 * provider, gateway and model that answered (`route`) when one did.
 */
function callAttributes(attempts: readonly Attempt[], route: Route | undefined): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operationName]: 'chat',
    [GEN_AI.providerName]: genAiProviderName(route?.provider),
  };
  const requested = attempts[0]?.route.model;
  if (requested !== undefined) attributes[GEN_AI.requestModel] = requested;
  if (route) {
    attributes[GEN_AI.responseModel] = route.model;
    attributes[LLM_ROUTER.gateway] = route.gateway;
  }
  return attributes;
}
