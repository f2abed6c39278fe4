import type { FailureScope, GatewayErrorKind } from '../types/error-kinds.ts';
import type { GatewayFailure } from '../types/gateway-failure.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import { RouterError } from './router-error.ts';

// What the kind says to a caller of the router (`isRetryable`, `isFinal`, `countsTowardBreaker`);
// test/router/decide-next-step.test.ts checks these agree with the router's FAILURE_RULES.
const RETRYABLE: ReadonlySet<GatewayErrorKind> = new Set([
  'connection-reset',
  'server-error',
  'rate-limited',
  'bad-response',
]);
const FINAL: ReadonlySet<GatewayErrorKind> = new Set(['invalid-request', 'content-filter', 'aborted']);
const COUNTS: ReadonlySet<GatewayErrorKind> = new Set([
  'connection-refused',
  'connection-reset',
  'timeout',
  'server-error',
  'unavailable',
  'gateway-auth',
  'bad-response',
]);

export interface GatewayErrorOptions {
  readonly kind: GatewayErrorKind;
  readonly gateway: GatewayId;
  readonly provider?: ProviderId | undefined;
  /** The model name sent to the gateway. */
  readonly model?: string | undefined;
  /** HTTP status, when the gateway answered. */
  readonly status?: number | undefined;
  /** What the gateway said, with secrets removed. */
  readonly message: string;
  /** Delay the gateway asked for (`Retry-After`, `retry-after-ms`, `llm_provider-retry-after`). */
  readonly retryAfterMs?: number | undefined;
  /** The gateway's request id, for support tickets. */
  readonly requestId?: string | undefined;
  /** Whether the failure lies in the gateway or in the provider behind it. @default 'gateway' */
  readonly scope?: FailureScope;
  /**
   * USD the gateway reported charging for this failed attempt (OpenRouter bills some errors, with
   * `usage.cost` in the error answer). The router records it in the call's cost.
   */
  readonly billedCostUsd?: number | undefined;
  readonly cause?: unknown;
}

/**
 * One failed attempt on one gateway, classified. Every attempt error the router records, emits or
 * carries in a call error is a `GatewayError`.
 */
export class GatewayError extends RouterError implements GatewayFailure {
  readonly kind: GatewayErrorKind;
  readonly gateway: GatewayId;
  readonly provider: ProviderId | undefined;
  readonly model: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly scope: FailureScope;
  /** USD the gateway reported charging for this failed attempt, when it reported any. */
  readonly billedCostUsd: number | undefined;

  constructor(options: GatewayErrorOptions) {
    super({ message: options.message, cause: options.cause, isRetryable: RETRYABLE.has(options.kind) });
    this.name = 'GatewayError';
    this.kind = options.kind;
    this.gateway = options.gateway;
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.scope = options.scope ?? 'gateway';
    this.billedCostUsd = options.billedCostUsd;
  }

  /** True when the router must stop at once: no retry, no fallback. */
  get isFinal(): boolean {
    return FINAL.has(this.kind);
  }

  /** True when the failure says something about the target's health (an open breaker's input). */
  get countsTowardBreaker(): boolean {
    return COUNTS.has(this.kind);
  }

  static override isInstance(error: unknown): error is GatewayError {
    return RouterError.hasName(error, 'GatewayError');
  }
}
