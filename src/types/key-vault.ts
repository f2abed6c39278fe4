import type { KeyCipher } from './key-cipher.ts';
import type { KeyInfo, KeyStatus } from './key-record.ts';
import type { KeyRecordFilter } from './key-record-store.ts';
import type { KeyValidationResult } from './key-validator.ts';
import type { ProviderId } from './model.ts';
import type { SecretKey } from './secret-key.ts';

/** What to do with a key the provider refuses when it is added. */
export type InvalidKeyPolicy = 'disable' | 'refuse';

/** A key to add to the vault. */
export interface AddKeyInput {
  readonly provider: ProviderId;
  /** The owner. Only calls made for this user will use the key. */
  readonly user: string;
  /** The key as its owner gave it. Wrapped in a `SecretKey` at once; surrounding spaces are trimmed. */
  readonly apiKey: string | SecretKey;
  /** A name the owner chooses, e.g. "personal". At most 100 characters. */
  readonly label?: string;
}

/** Options of `add()`. */
export interface AddKeyOptions {
  /** Overrides the vault's `onInvalid` for this key. */
  readonly onInvalid?: InvalidKeyPolicy;
}

/** Limits a by-id operation to one user's keys: another user's key is reported as not found. */
export interface KeyScope {
  readonly user?: string;
}

/** What the router asks for before a call. */
export interface ResolveKeyRequest {
  readonly user: string;
  readonly provider: ProviderId;
  /** A specific key of that user; by default the user's newest active key for the provider. */
  readonly keyId?: string;
  /**
   * Also use a key whose check could not run (`unverified`) when the user has no active one; the
   * provider's answer to the call then decides, through `reportRejected()`.
   * @default false
   */
  readonly allowUnverified?: boolean;
}

/** A decrypted key, ready for one call. `apiKey.reveal()` returns the key; nothing else shows it. */
export interface ResolvedKey {
  readonly keyId: string;
  readonly provider: ProviderId;
  readonly user: string;
  readonly label?: string;
  readonly last4: string;
  readonly status: KeyStatus;
  readonly apiKey: SecretKey;
}

/** Who made the call that the provider refused, so the vault can check the key belongs to them. */
export interface KeyRejection {
  readonly user: string;
  readonly provider: ProviderId;
  /** The provider's status for the call (401, 403). For logs only. */
  readonly httpStatus?: number;
}

/** What `reportRejected()` did. */
export interface RejectionOutcome {
  readonly keyId: string;
  readonly provider: ProviderId;
  readonly user: string;
  /** The key's status afterwards. */
  readonly status: KeyStatus;
  /** True when this report disabled the key (emit `key-disabled`). */
  readonly disabled: boolean;
  /** Why the key has its status (`invalid`, `forbidden`, `no_credit`, …). */
  readonly reason?: string;
  /**
   * False when a rejection of this key triggered a check less than `rejectionRecheckMs` ago, so no new check ran
   * (this keeps a burst of 401s from turning into a burst of validation calls).
   */
  readonly checked: boolean;
  /** The check that ran, when one did. */
  readonly validation?: KeyValidationResult;
}

/** A key and the check that just ran on it. */
export interface KeyCheckResult {
  readonly key: KeyInfo;
  readonly validation: KeyValidationResult;
}

/** What `rotateCipher()` did. */
export interface CipherRotationResult {
  /** Records re-encrypted with the new cipher. */
  readonly reencrypted: number;
  /** The new cipher's name. */
  readonly cipher: string;
}

/** Something that happened to a key. Payloads carry ids and reasons, never a key. */
export type KeyVaultEvent =
  | {
      readonly type: 'key-added';
      readonly keyId: string;
      readonly provider: ProviderId;
      readonly user: string;
      readonly status: KeyStatus;
      readonly reason?: string;
    }
  | {
      readonly type: 'key-checked';
      readonly keyId: string;
      readonly provider: ProviderId;
      readonly user: string;
      readonly status: KeyStatus;
      readonly validation: KeyValidationResult;
    }
  | {
      readonly type: 'key-disabled';
      readonly keyId: string;
      readonly provider: ProviderId;
      readonly user: string;
      readonly reason: string;
      readonly by: 'validation' | 'caller';
    }
  | {
      readonly type: 'key-enabled';
      readonly keyId: string;
      readonly provider: ProviderId;
      readonly user: string;
      readonly status: KeyStatus;
    }
  | {
      readonly type: 'key-removed';
      readonly keyId: string;
      readonly provider: ProviderId;
      readonly user: string;
    };

/**
 * Users' own provider keys (BYOK): validated by a real call before they are kept, stored only as
 * ciphertext with non-secret metadata, and decrypted for the router only for their owner.
 *
 * Every method that takes an id and is used on a user's behalf takes the user too (`scope`,
 * `resolve`, `reportRejected`): a key of another user is reported as not found.
 */
export interface KeyVault {
  /**
   * Validates the key with a real call (no tokens spent), then encrypts and stores it. A key the
   * provider refuses is refused (`KeyVaultError` `invalid-key`, nothing stored) or stored disabled,
   * per `onInvalid`. A key whose account has no credit is stored disabled (`no_credit`); a key that
   * could not be checked is stored `unverified`.
   */
  add(input: AddKeyInput, options?: AddKeyOptions): Promise<KeyInfo>;
  /** Metadata of the keys matching `filter`, oldest first. Never ciphertext, never a key. */
  list(filter?: KeyRecordFilter): Promise<readonly KeyInfo[]>;
  get(id: string, scope?: KeyScope): Promise<KeyInfo | undefined>;
  /**
   * Checks the key again and updates its status: valid → active (unless a caller disabled it),
   * invalid or no credit → disabled, could not check → unchanged.
   */
  revalidate(id: string, scope?: KeyScope): Promise<KeyCheckResult>;
  /** Revalidates every `unverified` key (call it periodically: rate-limited checks are retried later). */
  revalidateUnverified(): Promise<readonly KeyCheckResult[]>;
  /**
   * Disables a key for `reason` (kept on the record, secrets removed). Only `enable()` undoes it.
   * Works while the key cannot be decrypted (KMS down): the record is then stored without its seal,
   * so no edit of the store can make it usable again before `enable()` checks it.
   */
  disable(id: string, reason: string, scope?: KeyScope): Promise<KeyInfo>;
  /**
   * Checks a disabled key and makes it active if the provider accepts it (`unverified` if it cannot
   * tell), sealing its record again. Refuses (`integrity`) a record whose seal does not match.
   */
  enable(id: string, scope?: KeyScope): Promise<KeyCheckResult>;
  /** Deletes the record (and drops any decrypted copy). Resolves `false` when there was none. */
  remove(id: string, scope?: KeyScope): Promise<boolean>;
  /**
   * For the router: the user's active key for the provider, decrypted (cached for `cacheTtlMs`).
   * `undefined` when the user has none. Throws `KeyVaultError` when the key cannot be decrypted, its
   * ciphertext belongs to another record or its record was changed outside the vault (`integrity`),
   * or the KMS is unavailable. A record written by an earlier version (no seal) is bound to its id
   * and sealed on first use.
   */
  resolve(request: ResolveKeyRequest): Promise<ResolvedKey | undefined>;
  /**
   * For the router, after a provider refused a call made with `keyId` (401/403): revalidates the
   * key and disables it if the provider now refuses it. Concurrent reports for one key share one
   * check. Throws `not-found` when the key is not that user's key for that provider.
   */
  reportRejected(keyId: string, rejection: KeyRejection): Promise<RejectionOutcome>;
  /**
   * Re-encrypts every record with `next` (a new master key, or another cipher such as Infisical)
   * and then uses it. All records are decrypted first; if any cannot be, nothing is written. The
   * new ciphertexts are written in one `putMany`, atomic for the file store.
   */
  rotateCipher(next: KeyCipher): Promise<CipherRotationResult>;
  /**
   * Ends the vault's background work: closes every cipher it used (for Infisical, this ends SDK
   * requests still retrying after the vault gave up on them), waits for queued writes, and drops
   * decrypted keys from memory. Every method afterwards rejects with `KeyVaultError` `closed`. Call
   * it after `router.close()` when the process is done with the vault.
   */
  close(): Promise<void>;
  /** The name of the cipher in use. */
  readonly cipherName: string;
}
