import type { ProviderId } from '../catalog/model-definition.ts';
import type { SecretKey } from './secret-key.ts';

/** What a cipher encrypts: the key together with the provider and user it belongs to. */
export interface KeyPayload {
  readonly provider: ProviderId;
  readonly user: string;
  readonly apiKey: SecretKey;
}

/**
 * Turns a key payload into an opaque ciphertext string and back. The vault stores only the
 * ciphertext; after `decrypt` it checks that provider and user match the record, so a ciphertext
 * copied into another record is refused.
 *
 * Implementations throw `KeyVaultError`: `integrity` when a ciphertext cannot be authenticated or
 * read, `unavailable` / `rate-limited` when a remote KMS cannot answer now, and `unauthorized`,
 * `forbidden`, `misconfigured` for setup problems. Their messages never contain the key.
 */
export interface KeyCipher {
  /** Short, stable name stored on each record, e.g. `local-aes-256-gcm` or `infisical-kms`. */
  readonly name: string;
  encrypt(payload: KeyPayload): Promise<string>;
  decrypt(ciphertext: string): Promise<KeyPayload>;
}
