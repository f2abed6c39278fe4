import type { ProviderId } from './model.ts';
import type { SecretKey } from './secret-key.ts';

/**
 * What a cipher encrypts: the key together with the provider and user it belongs to, and, from the
 * vault, the id of the record it is stored in and the key that seals that record's metadata. A
 * cipher must encrypt every field it is given and return them all from `decrypt`.
 */
export interface KeyPayload {
  readonly provider: ProviderId;
  readonly user: string;
  readonly apiKey: SecretKey;
  /** The id of the record holding this ciphertext: a ciphertext moved to another record is refused. */
  readonly keyId?: string;
  /** A random key the vault seals the record's status and metadata with (`KeyRecord.seal`). */
  readonly sealKey?: SecretKey;
}

/**
 * Turns a key payload into an opaque ciphertext string and back. The vault stores only the
 * ciphertext; after `decrypt` it checks that record id, provider and user match the record, so a
 * ciphertext copied into another record is refused, and checks the record's seal with `sealKey`.
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
  /**
   * Ends the cipher's background work (pending requests to a remote KMS, connections); calls made
   * afterwards fail with `KeyVaultError` `closed`. `vault.close()` calls it.
   */
  close?(): Promise<void>;
}
