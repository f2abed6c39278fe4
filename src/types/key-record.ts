import type { KeyValidationReason, KeyValidationStatus } from './key-validator.ts';
import type { ProviderId } from './model.ts';

/**
 * Whether the router may use a key:
 * - `active`: the provider accepted it (possibly with restricted scopes, see `reason`).
 * - `disabled`: the provider refused it, it has no credit, or someone disabled it; `reason` says which.
 * - `unverified`: the check could not run (network, 5xx, rate limit); revalidate it later.
 */
export type KeyStatus = 'active' | 'disabled' | 'unverified';

/** Who disabled a key: a validation (which a later validation may undo) or a caller (which only `enable()` undoes). */
export type KeyDisabledBy = 'validation' | 'caller';

/** The outcome of the latest check of a key, kept on its record. */
export interface KeyCheck {
  readonly status: KeyValidationStatus;
  readonly reason?: KeyValidationReason;
  /** The provider's HTTP status, when it answered. */
  readonly httpStatus?: number;
  /** When the check finished, ms since the epoch (vault clock). */
  readonly at: number;
}

/**
 * What the vault knows about one stored key, without the key: safe to show, log and return.
 * Times are milliseconds since the Unix epoch on the vault's clock.
 */
export interface KeyInfo {
  /** Opaque id, e.g. `key_3f1c…`. */
  readonly id: string;
  readonly provider: ProviderId;
  /** The owner: only this user's calls can use the key. */
  readonly user: string;
  /** A name chosen by the owner, e.g. "team account". */
  readonly label?: string;
  /** The key's last four characters (empty for keys under 16 characters). */
  readonly last4: string;
  readonly status: KeyStatus;
  /**
   * Why the key has its status: a validation reason (`invalid`, `forbidden`, `no_credit`,
   * `restricted`, `network`, `server`, `rate_limited`, `timeout`, `unexpected`), or the caller's
   * words when it was disabled by `disable()`.
   */
  readonly reason?: string;
  /** Set while `status` is `disabled`. */
  readonly disabledBy?: KeyDisabledBy;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The last time the provider accepted the key. */
  readonly validatedAt?: number;
  /** Set while `status` is `disabled`: when it was disabled. */
  readonly disabledAt?: number;
  /** The latest check, whatever its outcome. */
  readonly lastCheck?: KeyCheck;
  /** Name of the cipher that encrypted the key (`local-aes-256-gcm`, `infisical-kms`). */
  readonly cipher: string;
}

/** A stored key: its metadata and its ciphertext. Only record stores and the vault handle it. */
export interface KeyRecord extends KeyInfo {
  /** The cipher's output for `{ keyId, provider, user, apiKey, sealKey }`. Never the key in the clear. */
  readonly ciphertext: string;
  /**
   * An HMAC of the record's id, provider, user, label, last four characters, status and reason
   * under the seal key inside its ciphertext, so an edit of the store cannot bring a disabled key
   * back or relabel it. Absent on records written before seals (upgraded when next used) and on
   * records disabled while their key could not be decrypted (only `enable()` reseals those).
   * A store must keep it like every other field.
   */
  readonly seal?: string;
}

/** The metadata of a record, without its ciphertext and seal. */
export function toKeyInfo(record: KeyRecord): KeyInfo {
  const { ciphertext: _ciphertext, seal: _seal, ...info } = record;
  return info;
}
