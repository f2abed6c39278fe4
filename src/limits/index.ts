/**
 * `@bestviable/llm-router/limits`: a rate limiter and the in-memory limit store on their own, and the
 * helpers that name scopes and events. The `LimitStore` interface, limit settings and
 * `LimitExceededError` are exported by the root entry.
 * @packageDocumentation
 */
export { createRateLimiter } from './create-rate-limiter.ts';
export { type LimitEventName, limitEventName } from './limit-event.ts';
export { type LimitScope, type LimitScopeKind, limitScope } from './limit-scope.ts';
export { createMemoryLimitStore, type MemoryLimitStore } from './memory-limit-store.ts';
export type {
  LimitActual,
  LimitEstimate,
  LimitRequest,
  RateLimiter,
  RateLimiterSettings,
  Reservation,
  ReserveOptions,
  ReserveResult,
  UpstreamLimitSignal,
} from './rate-limiter.ts';
