import type { KeyVaultErrorKind } from './error-kinds.ts';
import type { GatewayFailure } from './gateway-failure.ts';
import type { GatewayId, ProviderId } from './model.ts';

/** Where one attempt went. */
export interface Route {
  readonly provider: ProviderId;
  /** Canonical catalog id, e.g. `anthropic/claude-haiku-4-5`. */
  readonly model: string;
  readonly gateway: GatewayId;
  /** The model name sent to the gateway, e.g. `anthropic/claude-haiku-4.5` on OpenRouter. */
  readonly gatewayModel: string;
  /**
   * Which key paid: a BYOK key id, or `gateway:<id>` for the gateway's own (organisation) key, or
   * `provider:<id>` for a provider key from the settings. Never the key itself.
   */
  readonly keyId: string;
  /** The user's key that was meant to pay but could not be used (`key-unavailable`); absent otherwise. */
  readonly byokFallback?: ByokFallback;
}

/** One candidate the router tried or skipped during a call. */
export interface Attempt {
  readonly route: Route;
  /** `skipped`: not called (breaker open, no headroom, smaller context than one that overflowed). */
  readonly outcome: 'ok' | 'error' | 'skipped';
  /** Why it failed or was skipped. */
  readonly error?: GatewayFailure;
  /** HTTP requests made on this candidate: 1 plus same-target retries; 0 when skipped. */
  readonly tries: number;
  /** Time spent on this candidate, retries and their waits included. */
  readonly latencyMs: number;
}

/**
 * A user's own (BYOK) key that was meant to pay for a call but could not be used, so the
 * organisation's key paid instead: the vault could not decrypt it, its record was tampered with, or
 * the KMS was unavailable.
 */
export interface ByokFallback {
  /** The user's key that was meant to pay; absent when the vault failed before finding one. */
  readonly keyId?: string;
  /** The vault's error kind: `integrity`, `unavailable`, `rate-limited`, `unauthorized`, … */
  readonly reason: KeyVaultErrorKind;
}
