export type { BreakerScope, BreakerSnapshot } from './breaker/breaker-registry.ts';
export type { BreakerSettings, BreakerState } from './breaker/circuit-breaker.ts';
export { computeCostUsd } from './catalog/compute-cost.ts';
export { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from './catalog/default-catalog-models.ts';
export { estimatePromptTokens } from './catalog/estimate-tokens.ts';
export type {
  CatalogGatewayState,
  CatalogOffer,
  CatalogRefreshedEvent,
  CatalogRefreshFailedEvent,
  LiveCatalog,
  RouterCatalog,
} from './catalog/live/live-catalog.ts';
export type { CatalogRefreshFailure } from './catalog/live/read-listing.ts';
export { createModelCatalog, type ModelCatalog, type ModelCatalogSettings } from './catalog/model-catalog.ts';
export {
  type GatewayId,
  isKnownProvider,
  KNOWN_PROVIDERS,
  type KnownGatewayId,
  type KnownProviderId,
  type ModelCapabilities,
  type ModelDefinition,
  type ModelPricing,
  type PriceProvenance,
  type PriceSource,
  type ProviderId,
} from './catalog/model-definition.ts';
export { type Clock, createSystemClock, type TimerHandle, type TimerOptions } from './clock/clock.ts';
export {
  AllCandidatesFailedError,
  CallAbortedError,
  CallError,
  CallTimeoutError,
  type ExcludedCandidate,
  NoCandidatesError,
  RequestRejectedError,
  StreamInterruptedError,
} from './errors/call-errors.ts';
export { type FailureScope, GatewayError, type GatewayErrorKind } from './errors/gateway-error.ts';
export { InvalidRequestError } from './errors/invalid-request-error.ts';
export { InvalidSettingsError, type SettingIssue } from './errors/invalid-settings-error.ts';
export {
  MissingDependencyError,
  type MissingDependencyErrorOptions,
} from './errors/missing-dependency-error.ts';
export { RouterError } from './errors/router-error.ts';
export { StreamAlreadyReadError } from './errors/stream-already-read-error.ts';
export * from './keys/index.ts';
export { createRateLimiter } from './limits/create-rate-limiter.ts';
export { type LimitEvent, type LimitEventName, limitEventName } from './limits/limit-event.ts';
export { LimitExceededError, type LimitExceededErrorOptions } from './limits/limit-exceeded-error.ts';
export type {
  ConfiguredLimitName,
  LimitKind,
  LimitName,
  LimitUnit,
  UpstreamLimitName,
} from './limits/limit-names.ts';
export { type LimitScope, type LimitScopeKind, limitScope } from './limits/limit-scope.ts';
export type { LimitSettings, LimitTimeZone } from './limits/limit-settings.ts';
export type {
  LimitAmounts,
  LimitBlockRequest,
  LimitCounterSnapshot,
  LimitReadRequest,
  LimitReleaseRequest,
  LimitReservationEntry,
  LimitReserveRequest,
  LimitReserveResult,
  LimitScopeCheck,
  LimitSettingsWrite,
  LimitSettleRequest,
  LimitStore,
  LimitStoreAvailabilityEvent,
  LimitStoreDenial,
  LimitStoreRecoveredEvent,
  LimitStoreSnapshot,
  LimitStoreUnavailableEvent,
  LimitWindowCheck,
  SharedLimitSettings,
  UpstreamBlock,
} from './limits/limit-store.ts';
export {
  LimitStoreError,
  type LimitStoreErrorReason,
  type LimitStoreOperation,
} from './limits/limit-store-error.ts';
export { createMemoryLimitStore, type MemoryLimitStore } from './limits/memory-limit-store.ts';
export type {
  LimitActual,
  LimitDenial,
  LimitEstimate,
  LimitRequest,
  LimitStatus,
  RateLimiter,
  RateLimiterSettings,
  Reservation,
  ReserveOptions,
  ReserveResult,
  UpstreamLimitSignal,
} from './limits/rate-limiter.ts';
export type { Logger } from './logger/logger.ts';
export type { Availability, Candidate, RankingInput } from './ranking/candidate.ts';
export type { CostComparison, CostComparisonQuery, CostComparisonRow } from './ranking/compare-costs.ts';
export {
  availabilityScore,
  type RankingFunction,
  type RankingPolicy,
  type RankingWeights,
  rankCandidates,
} from './ranking/rank-candidates.ts';
export type {
  ChatMessage,
  ChatOptions,
  ChatResult,
  ContentPart,
  Cost,
  CostSource,
  FinishReason,
  ModelRequirements,
  ResponseFormat,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from './router/chat-types.ts';
export { createRouter } from './router/create-router.ts';
export type { ByokMode, Credentials } from './router/resolve-credentials.ts';
export type { Attempt, Route } from './router/route.ts';
export type {
  HealthOptions,
  HealthReport,
  Router,
  RouterLimits,
  RouterUsage,
  RouterUsageReportOptions,
} from './router/router.ts';
export type {
  AttemptErrorEvent,
  AttemptStartEvent,
  BreakerEvent,
  CallEndEvent,
  CallErrorEvent,
  CallStartEvent,
  FallbackEvent,
  KeyDisabledEvent,
  KeyUnavailableEvent,
  LimitReachedEvent,
  LimitStoreRecoveredRouterEvent,
  LimitStoreUnavailableRouterEvent,
  RouterEventMap,
  RouterEventName,
  TrackerErrorEvent,
} from './router/router-events.ts';
export type {
  DirectGatewaySettings,
  LiteLLMGatewaySettings,
  OpenRouterGatewaySettings,
  ProviderSettings,
  RetrySettings,
  RouterBreakerSettings,
  RouterLimitSettings,
  RouterSettings,
  SecretSetting,
} from './router/router-settings.ts';
export type { ChatStream, StreamPart, StreamResult } from './router/stream-types.ts';
export { AttemptTimeoutReason } from './transports/abort-reasons.ts';
export { type AnswerLimits, DEFAULT_ANSWER_LIMITS, MAX_TOOL_CALLS } from './transports/answer-limits.ts';
export { DEFAULT_LITELLM_BASE_URL } from './transports/litellm/create-litellm-transport.ts';
export { DEFAULT_OPENROUTER_BASE_URL } from './transports/openrouter/create-openrouter-transport.ts';
export type {
  GatewayHealth,
  ProbeResult,
  RateLimitSnapshot,
  Transport,
  TransportCapabilities,
  TransportRequest,
  TransportResult,
  TransportStream,
  TransportStreamPart,
} from './transports/transport.ts';
export {
  attributeCosts,
  type CostAttribution,
  type CostAttributionOptions,
  type CostAttributionRow,
} from './usage/attribute-costs.ts';
export { buildUsageReport } from './usage/build-usage-report.ts';
export {
  computeSavings,
  type SavingsBaseline,
  type SavingsOptions,
  type UsageSavings,
} from './usage/compute-savings.ts';
export { MAX_REPORTED_COST_USD, MAX_REPORTED_TOKENS } from './usage/figure-ranges.ts';
export {
  createMemoryUsageTracker,
  type MemoryUsageTracker,
  type MemoryUsageTrackerSettings,
} from './usage/memory-usage-tracker.ts';
export { type MoneySum, NANO_USD_PER_USD, nanoUsdToUsd, usdToNanoUsd } from './usage/money-sum.ts';
export { queryUsageReport } from './usage/query-usage-report.ts';
export { USAGE_RECORD_BOUNDS } from './usage/read-usage-record.ts';
export { escapeCsvField, reportToCsv } from './usage/report-to-csv.ts';
export { reportToJson } from './usage/report-to-json.ts';
export {
  createSqliteUsageTracker,
  type SqliteUsageTracker,
  type SqliteUsageTrackerSettings,
} from './usage/sqlite-usage-tracker.ts';
export type { ByokFallback, UsageQuery, UsageRecord, UsageStatus } from './usage/usage-record.ts';
export {
  USAGE_GROUP_KEYS,
  type UsageGroupKey,
  type UsageReport,
  type UsageReportGroup,
  type UsageReportMetrics,
  type UsageReportOptions,
  type UsageReportRow,
} from './usage/usage-report.ts';
export { UsageStoreError, type UsageStoreErrorReason } from './usage/usage-store-error.ts';
export type { UsageTracker } from './usage/usage-tracker.ts';
