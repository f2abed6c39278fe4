import type { ProviderId } from '../catalog/model-definition.ts';
import { RouterError } from '../errors/router-error.ts';
import type { KeyValidationResult } from './validation/key-validator.ts';

/**
 * What went wrong in the key vault. The caller decides from the kind alone:
 *
 * | kind | meaning | retry later helps |
 * |---|---|---|
 * | `invalid-input` | a value passed to the vault cannot be stored (empty key, unknown provider, too long) | no |
 * | `invalid-key` | the provider refused the key when it was added (`onInvalid: 'refuse'`) | no |
 * | `not-found` | no key with that id for that user | no |
 * | `integrity` | a ciphertext failed authentication, could not be read, or belongs to another record; or a record was changed outside the vault (its seal does not match) | no |
 * | `unauthorized` | the cipher backend (Infisical) refused the machine identity's credentials | no |
 * | `forbidden` | the machine identity may not use the KMS key | no |
 * | `misconfigured` | the KMS key does not exist or is disabled, or a setting is unusable | no |
 * | `rate-limited` | the cipher backend asked us to slow down | yes |
 * | `unavailable` | the cipher backend could not be reached, timed out, or failed (5xx) | yes |
 * | `unexpected` | the cipher backend answered something we cannot read | yes |
 * | `store` | the record store failed to read or write | maybe |
 * | `closed` | the vault or its cipher was closed (`close()`) | no |
 */
export type KeyVaultErrorKind =
  | 'invalid-input'
  | 'invalid-key'
  | 'not-found'
  | 'integrity'
  | 'unauthorized'
  | 'forbidden'
  | 'misconfigured'
  | 'rate-limited'
  | 'unavailable'
  | 'unexpected'
  | 'store'
  | 'closed';

const RETRYABLE: ReadonlySet<KeyVaultErrorKind> = new Set(['rate-limited', 'unavailable', 'unexpected']);

/** What a `KeyVaultError` is built from. */
export interface KeyVaultErrorOptions {
  readonly kind: KeyVaultErrorKind;
  /** What was wrong and what to do. Never contains a key, a URL or a credential. */
  readonly message: string;
  /** The key record concerned, when there is one. */
  readonly keyId?: string | undefined;
  readonly provider?: ProviderId | undefined;
  readonly user?: string | undefined;
  /** HTTP status from the cipher backend or the provider, when one answered. */
  readonly status?: number | undefined;
  /** For `invalid-key`: what the provider's check found. */
  readonly validation?: KeyValidationResult | undefined;
  /**
   * The underlying error. Only pass errors whose message is known to be free of secrets and URLs:
   * `util.inspect` prints the whole cause chain.
   */
  readonly cause?: unknown;
}

/** Any failure of the key vault, its ciphers or its record stores. `kind` says which. */
export class KeyVaultError extends RouterError {
  readonly kind: KeyVaultErrorKind;
  readonly keyId: string | undefined;
  readonly provider: ProviderId | undefined;
  readonly user: string | undefined;
  readonly status: number | undefined;
  readonly validation: KeyValidationResult | undefined;

  constructor(options: KeyVaultErrorOptions) {
    super({ message: options.message, cause: options.cause, isRetryable: RETRYABLE.has(options.kind) });
    this.name = 'KeyVaultError';
    this.kind = options.kind;
    this.keyId = options.keyId;
    this.provider = options.provider;
    this.user = options.user;
    this.status = options.status;
    this.validation = options.validation;
  }

  static override isInstance(error: unknown): error is KeyVaultError {
    return RouterError.hasName(error, 'KeyVaultError');
  }
}
