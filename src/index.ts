/**
 * `@bestviable/llm-router`: what an application uses. `createRouter()`, its settings, results,
 * streams and events, every error class, and the interfaces a custom plug-in implements. Factories
 * of the default implementations live in the subpaths: `/keys`, `/usage`, `/limits`, `/catalog`.
 * @packageDocumentation
 */
export type { BreakerScope, BreakerSnapshot } from './breaker/breaker-registry.ts';
export type { BreakerSettings, BreakerState } from './breaker/circuit-breaker.ts';
export type {
  CatalogGatewayState,
  CatalogOffer,
  CatalogRefreshedEvent,
  CatalogRefreshFailedEvent,
  LiveCatalog,
  RouterCatalog,
} from './catalog/live/live-catalog.ts';
export type { CatalogRefreshFailure } from './catalog/live/read-listing.ts';
export type { ModelCatalogSettings } from './catalog/model-catalog.ts';
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
export { KeyRecordConflictError } from './keys/key-record-conflict-error.ts';
export { KeyVaultError, type KeyVaultErrorOptions } from './keys/key-vault-error.ts';
export type { LimitEvent } from './limits/limit-event.ts';
export { LimitExceededError, type LimitExceededErrorOptions } from './limits/limit-exceeded-error.ts';
export {
  LimitStoreError,
  type LimitStoreErrorReason,
  type LimitStoreOperation,
} from './limits/limit-store-error.ts';
export type { LimitDenial, LimitStatus } from './limits/rate-limiter.ts';
export type { Availability, Candidate, RankingInput } from './ranking/candidate.ts';
export type { CostComparison, CostComparisonRow } from './ranking/compare-costs.ts';
export type { CostComparisonQuery } from './ranking/cost-comparison-query.ts';
export type { RankingFunction, RankingPolicy, RankingWeights } from './ranking/rank-candidates.ts';
export type { CallMetadata } from './router/call-metadata.ts';
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
export type { FailureScope, GatewayErrorKind, KeyVaultErrorKind } from './types/error-kinds.ts';
export type { GatewayFailure } from './types/gateway-failure.ts';
export type { KeyCipher, KeyPayload } from './types/key-cipher.ts';
export type { KeyCheck, KeyDisabledBy, KeyInfo, KeyRecord, KeyStatus } from './types/key-record.ts';
export type { KeyRecordFilter, KeyRecordStore } from './types/key-record-store.ts';
export type {
  KeyValidationReason,
  KeyValidationRequest,
  KeyValidationResult,
  KeyValidationStatus,
  KeyValidator,
} from './types/key-validator.ts';
export type {
  AddKeyInput,
  AddKeyOptions,
  CipherRotationResult,
  InvalidKeyPolicy,
  KeyCheckResult,
  KeyRejection,
  KeyScope,
  KeyVault,
  KeyVaultEvent,
  RejectionOutcome,
  ResolvedKey,
  ResolveKeyRequest,
} from './types/key-vault.ts';
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
  type PriceTier,
  type ProviderId,
  type TokenPrices,
} from './types/model.ts';
export type { ModelCatalog } from './types/model-catalog.ts';
export type { Attempt, ByokFallback, Route } from './types/route.ts';
export { SecretKey } from './types/secret-key.ts';
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
export type {
  UsageGroupKey,
  UsageReport,
  UsageReportGroup,
  UsageReportMetrics,
  UsageReportOptions,
  UsageReportRow,
} from './types/usage-report.ts';
export type { SavingsBaseline, SavingsOptions, UsageSavings } from './types/usage-savings.ts';
export type { UsageTracker } from './types/usage-tracker.ts';
export type { CostAttribution, CostAttributionOptions, CostAttributionRow } from './usage/attribute-costs.ts';
export type { RouterUsage, RouterUsageReportOptions } from './usage/router-usage.ts';
export { UsageStoreError, type UsageStoreErrorReason } from './usage/usage-store-error.ts';
