// Names from the OpenTelemetry GenAI semantic conventions (development status), written out here
// rather than imported from `@opentelemetry/semantic-conventions/incubating`: OpenTelemetry asks
// libraries to copy incubating names, which may change between releases of that package. A test
// holds each one to the package.

/** GenAI semantic-convention attribute names used on spans and metrics. */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestStream: 'gen_ai.request.stream',
  outputType: 'gen_ai.output.type',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  tokenType: 'gen_ai.token.type',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  toolDefinitions: 'gen_ai.tool.definitions',
} as const;

/** Stable attribute names from the general conventions. */
export const GENERAL = {
  errorType: 'error.type',
  httpResponseStatusCode: 'http.response.status_code',
} as const;

/** GenAI client metric names. */
export const GEN_AI_METRICS = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
} as const;

/** The router's own attributes, span events and metrics, under the `llm_router.` namespace. */
export const LLM_ROUTER = {
  callId: 'llm_router.call_id',
  user: 'llm_router.user',
  tags: 'llm_router.tags',
  candidates: 'llm_router.candidates',
  gateway: 'llm_router.gateway',
  model: 'llm_router.model',
  keyId: 'llm_router.key_id',
  costUsd: 'llm_router.cost_usd',
  costSource: 'llm_router.cost_source',
  attempts: 'llm_router.attempts',
  attempt: 'llm_router.attempt',
  tries: 'llm_router.tries',
  fallbackReason: 'llm_router.fallback_reason',
  byokFallbackReason: 'llm_router.byok_fallback_reason',
  status: 'llm_router.status',
  incomplete: 'llm_router.incomplete',
  // Span events and their attributes.
  fallbackEvent: 'llm_router.fallback',
  fromGateway: 'llm_router.from.gateway',
  fromModel: 'llm_router.from.model',
  toGateway: 'llm_router.to.gateway',
  toModel: 'llm_router.to.model',
  reason: 'llm_router.reason',
  message: 'llm_router.message',
  skipped: 'llm_router.skipped',
  retryEvent: 'llm_router.retry',
  errorKind: 'llm_router.error_kind',
  retryDelayMs: 'llm_router.retry_delay_ms',
  breakerEvent: 'llm_router.breaker',
  breakerName: 'llm_router.breaker.name',
  breakerState: 'llm_router.breaker.state',
  // Metrics.
  costMetric: 'llm_router.client.cost',
} as const;

/** Bucket boundaries the conventions give for `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** Bucket boundaries (seconds) the conventions give for the duration metrics. */
export const DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The instrumentation scope name of the tracer and meter. */
export const INSTRUMENTATION_SCOPE = '@bestviable/llm-router';
