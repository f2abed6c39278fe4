import type { EventEmitter } from 'eventemitter3';
import { GatewayError } from '../errors/gateway-error.ts';
import { redactSecrets } from '../errors/redact.ts';
import { KeyVaultError } from '../keys/key-vault-error.ts';
import type { Candidate } from '../ranking/candidate.ts';
import type { KeyVault, ResolvedKey } from '../types/key-vault.ts';
import type { Logger } from '../types/logger.ts';
import type { GatewayId, ProviderId } from '../types/model.ts';
import type { ByokFallback } from '../types/route.ts';
import type { SecretKey } from '../types/secret-key.ts';
import type { TransportCapabilities } from '../types/transport.ts';
import type { RouterEventMap } from './router-events.ts';

/**
 * How calls use users' own keys:
 * - `required`: only with the user's key; candidates without one are skipped.
 * - `preferred`: the user's key where they have one, the organisation's keys elsewhere.
 * - `off`: never.
 */
export type ByokMode = 'required' | 'preferred' | 'off';

/** Which key pays for one attempt. */
export interface Credentials {
  /** A BYOK key id, `gateway:<id>` or `provider:<id>`. */
  readonly keyId: string;
  /** The user's key, for this attempt only; `undefined` when the gateway's own credentials apply. */
  readonly apiKey: SecretKey | undefined;
  /** Set when the organisation's key stands in for a user's key the vault could not use. */
  readonly byokFallback?: ByokFallback;
}

/** A user's key the vault failed to hand out during this call. */
interface UnusableKey {
  readonly unusable: ByokFallback;
}

/** Keys resolved during one call, per provider (`null`: the user has none, or it was set aside). */
export type CallKeys = Map<ProviderId, ResolvedKey | UnusableKey | null>;

export interface CredentialResolverOptions {
  readonly vault: KeyVault | undefined;
  readonly mode: ByokMode;
  /**
   * Under `required`, whether gateways that take no user keys (OpenRouter) may still serve, with
   * the organisation's key (`byokAllowOpenRouter`).
   */
  readonly allowOpenRouter: boolean;
  /** What each gateway can do: whether it takes a user's key, whose key is the organisation's. */
  readonly capabilitiesOf: (gateway: GatewayId) => TransportCapabilities;
  readonly logger: Logger;
  readonly events: EventEmitter<RouterEventMap>;
}

function noKey(candidate: Candidate, message: string): GatewayError {
  return new GatewayError({
    kind: 'no-key',
    gateway: candidate.gateway,
    provider: candidate.model.provider,
    model: candidate.gatewayModel,
    scope: 'provider',
    message,
  });
}

/**
 * Picks the key for each attempt from the BYOK vault and the router's `byok` mode, and handles
 * keys a provider rejects: they are revalidated in the background (the call moves on at once) and
 * disabled when invalid, with a `key-disabled` event.
 */
export class CredentialResolver {
  private readonly options: CredentialResolverOptions;
  private readonly pending = new Set<Promise<void>>();

  constructor(options: CredentialResolverOptions) {
    this.options = options;
  }

  /** The organisation's key for a candidate (no BYOK). */
  organisation(candidate: Candidate): Credentials {
    const keyId = this.options.capabilitiesOf(candidate.gateway).keyPerProvider
      ? `provider:${candidate.model.provider}`
      : `gateway:${candidate.gateway}`;
    return { keyId, apiKey: undefined };
  }

  /** The credentials for one candidate of call `callId` by `user`, or why it must be skipped. */
  async forCandidate(
    user: string | undefined,
    candidate: Candidate,
    keys: CallKeys,
    callId: string,
  ): Promise<Credentials | GatewayError> {
    const { vault, mode, allowOpenRouter } = this.options;
    if (!vault || mode === 'off' || user === undefined) return this.organisation(candidate);
    if (!this.options.capabilitiesOf(candidate.gateway).providerKeys) {
      if (mode === 'required' && !allowOpenRouter) {
        return noKey(
          candidate,
          `byok is 'required' and ${candidate.gateway} holds no per-user keys (set byokAllowOpenRouter to allow it)`,
        );
      }
      return this.organisation(candidate);
    }
    const provider = candidate.model.provider;
    let resolved = keys.get(provider);
    if (resolved === undefined) {
      resolved = await this.resolve(vault, user, provider, callId);
      keys.set(provider, resolved);
    }
    if (resolved && 'apiKey' in resolved) return { keyId: resolved.keyId, apiKey: resolved.apiKey };
    if (mode === 'required') {
      return noKey(
        candidate,
        resolved
          ? `the user's ${provider} key could not be used (${resolved.unusable.reason}) and byok is 'required'`
          : `the user has no active ${provider} key and byok is 'required'`,
      );
    }
    if (resolved) return { ...this.organisation(candidate), byokFallback: resolved.unusable };
    return this.organisation(candidate);
  }

  /**
   * The user's key for `provider`, `null` when there is none, or why the vault could not hand it
   * out: then `key-unavailable` is emitted, since the user's spend would otherwise move to the
   * organisation unseen.
   */
  private async resolve(
    vault: KeyVault,
    user: string,
    provider: ProviderId,
    callId: string,
  ): Promise<ResolvedKey | UnusableKey | null> {
    try {
      return (await vault.resolve({ user, provider })) ?? null;
    } catch (error) {
      const vaultError = KeyVaultError.isInstance(error) ? error : undefined;
      const keyId = vaultError?.keyId;
      const reason = vaultError?.kind ?? 'unexpected';
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      const organisationKeyUsed = this.options.mode === 'preferred';
      this.options.logger.warn(
        `[llm-router] key vault could not resolve ${keyId ?? `a ${provider} key`} (${reason}); ${organisationKeyUsed ? "the organisation's key is used instead" : "byok is 'required': its candidates are skipped"}`,
        { callId, provider, keyId, reason, error: message },
      );
      this.options.events.emit('key-unavailable', {
        callId,
        user,
        provider,
        keyId,
        reason,
        message,
        organisationKeyUsed,
      });
      return { unusable: keyId === undefined ? { reason } : { keyId, reason } };
    }
  }

  /**
   * A provider refused the user's key for this call (401/403): stop using it in this call, and
   * revalidate it in the background; an invalid key is disabled and reported as `key-disabled`.
   */
  rejected(
    keyId: string,
    user: string,
    provider: ProviderId,
    httpStatus: number | undefined,
    keys: CallKeys,
  ): void {
    keys.set(provider, null);
    const { vault } = this.options;
    if (!vault) return;
    const check = vault
      .reportRejected(keyId, { user, provider, ...(httpStatus === undefined ? {} : { httpStatus }) })
      .then((outcome) => {
        if (!outcome.disabled) return;
        this.options.events.emit('key-disabled', {
          keyId,
          provider,
          user,
          reason: outcome.reason ?? 'invalid',
        });
        this.options.logger.warn(
          `[llm-router] key ${keyId} (${provider}) disabled: ${outcome.reason ?? 'invalid'}`,
          { keyId, provider },
        );
      })
      .catch((error: unknown) => {
        this.options.logger.warn(`[llm-router] could not revalidate key ${keyId}`, {
          keyId,
          error: redactSecrets(error instanceof Error ? error.message : String(error)),
        });
      })
      .finally(() => this.pending.delete(check));
    this.pending.add(check);
  }

  /** Waits for background revalidations (router.close()). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
