import type { FailureScope, GatewayErrorKind } from './error-kinds.ts';
import type { GatewayId, ProviderId } from './model.ts';

/**
 * What every failed attempt carries: the instance shape of `GatewayError` (from
 * `src/errors/gateway-error.ts`, which implements it), written here so that the shared types need
 * nothing from the error classes. Every value the router puts in `Attempt.error` is a
 * `GatewayError`; test with `GatewayError.isInstance()` or `instanceof GatewayError`.
 */
export interface GatewayFailure extends Error {
  readonly kind: GatewayErrorKind;
  readonly gateway: GatewayId;
  readonly provider: ProviderId | undefined;
  /** The model name sent to the gateway. */
  readonly model: string | undefined;
  /** HTTP status, when the gateway answered. */
  readonly status: number | undefined;
  /** Delay the gateway asked for, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The gateway's request id, for support tickets. */
  readonly requestId: string | undefined;
  /** Whether the failure lies in the gateway or in the provider behind it. */
  readonly scope: FailureScope;
  /** USD the gateway reported charging for this failed attempt, when it reported any. */
  readonly billedCostUsd: number | undefined;
  /** Whether trying the same target again may succeed. */
  readonly isRetryable: boolean;
  /** True when the router must stop at once: no retry, no fallback. */
  readonly isFinal: boolean;
  /** True when the failure says something about the target's health. */
  readonly countsTowardBreaker: boolean;
  toJSON(): Record<string, unknown>;
}
