import { RouterError } from '../errors/router-error.ts';
import type { KeyVaultErrorKind } from '../types/error-kinds.ts';
import type { KeyValidationResult } from '../types/key-validator.ts';
import type { ProviderId } from '../types/model.ts';

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
