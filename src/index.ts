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
export { createModelCatalog, type ModelCatalogSettings } from './catalog/model-catalog.ts';
export { createSystemClock } from './clock/create-system-clock.ts';
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
export { GatewayError } from './errors/gateway-error.ts';
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
export { type LimitScope, type LimitScopeKind, limitScope } from './limits/limit-scope.ts';
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
export type { Availability, Candidate, RankingInput } from './ranking/candidate.ts';
export type { CostComparison, CostComparisonQuery, CostComparisonRow } from './ranking/compare-costs.ts';
export {
  availabilityScore,
  type RankingFunction,
  type RankingPolicy,
  type RankingWeights,
  rankCandidates,
} from './ranking/rank-candidates.ts';
export { createRouter } from './router/create-router.ts';
export type { ByokMode, Credentials } from './router/resolve-credentials.ts';
export type { HealthOptions, HealthReport, Router, RouterLimits } from './router/router.ts';
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
export { AttemptTimeoutReason } from './transports/abort-reasons.ts';
export { type AnswerLimits, DEFAULT_ANSWER_LIMITS, MAX_TOOL_CALLS } from './transports/answer-limits.ts';
export { DEFAULT_LITELLM_BASE_URL } from './transports/litellm/create-litellm-transport.ts';
export { DEFAULT_OPENROUTER_BASE_URL } from './transports/openrouter/create-openrouter-transport.ts';
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
} from './types/chat.ts';
export type { Clock, TimerHandle, TimerOptions } from './types/clock.ts';
export type { FailureScope, GatewayErrorKind } from './types/error-kinds.ts';
export type {
  ConfiguredLimitName,
  LimitKind,
  LimitName,
  LimitUnit,
  UpstreamLimitName,
} from './types/limit-names.ts';
export type { LimitSettings, LimitTimeZone } from './types/limit-settings.ts';
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
} from './types/limit-store.ts';
export type { Logger } from './types/logger.ts';
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
} from './types/model.ts';
export type { ModelCatalog } from './types/model-catalog.ts';
export type { Attempt, ByokFallback, Route } from './types/route.ts';
export type { ChatStream, StreamPart, StreamResult } from './types/stream.ts';
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
} from './types/transport.ts';
export type { UsageQuery, UsageRecord, UsageStatus } from './types/usage-record.ts';
export {
  USAGE_GROUP_KEYS,
  type UsageGroupKey,
  type UsageReport,
  type UsageReportGroup,
  type UsageReportMetrics,
  type UsageReportOptions,
  type UsageReportRow,
} from './types/usage-report.ts';
export type { SavingsBaseline, SavingsOptions, UsageSavings } from './types/usage-savings.ts';
export type { UsageTracker } from './types/usage-tracker.ts';
export {
  attributeCosts,
  type CostAttribution,
  type CostAttributionOptions,
  type CostAttributionRow,
} from './usage/attribute-costs.ts';
export { buildUsageReport } from './usage/build-usage-report.ts';
export { computeSavings } from './usage/compute-savings.ts';
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
export type { RouterUsage, RouterUsageReportOptions } from './usage/router-usage.ts';
export {
  createSqliteUsageTracker,
  type SqliteUsageTracker,
  type SqliteUsageTrackerSettings,
} from './usage/sqlite-usage-tracker.ts';
export { UsageStoreError, type UsageStoreErrorReason } from './usage/usage-store-error.ts';
