import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyCipher, KeyPayload } from '../types/key-cipher.ts';
import type { KeyRecord } from '../types/key-record.ts';
import { SecretKey } from '../types/secret-key.ts';
import { KeyVaultError } from './key-vault-error.ts';

const SEAL_FORMAT = 's1';

/** A fresh random seal key: encrypted with the key it seals, so only a vault that can decrypt the key can seal its record. */
export function newSealKey(): SecretKey {
  return new SecretKey(randomBytes(32).toString('base64url'));
}

/** The record's fields that decide whether and how a key is used, and what its owner is shown. */
function sealedFields(record: KeyRecord): string {
  return JSON.stringify([
    SEAL_FORMAT,
    record.id,
    record.provider,
    record.user,
    record.label ?? null,
    record.last4,
    record.status,
    record.reason ?? null,
    record.disabledBy ?? null,
  ]);
}

/**
 * The seal of a record: an HMAC-SHA256 of its id, owner, provider, label, last four characters,
 * status and reason, under the seal key held in its ciphertext. Whoever can edit the store but not
 * decrypt the key cannot make a valid seal, so a disabled record edited back to `active` (or a
 * relabelled one) is refused when the key is resolved.
 */
export function sealOf(record: KeyRecord, sealKey: SecretKey): string {
  const mac = createHmac('sha256', Buffer.from(sealKey.reveal(), 'base64url'))
    .update(sealedFields(record), 'utf8')
    .digest('base64url');
  return `${SEAL_FORMAT}.${mac}`;
}

/**
 * How far a record can be trusted, once its ciphertext is decrypted:
 * - `sealed`: bound to its id and its seal matches: use it.
 * - `legacy`: written before records were sealed (no id in the ciphertext, no seal): use it, and
 *   upgrade it (re-encrypt with its id bound, then seal) at the next write.
 * - `unsealed`: its seal was dropped when it was disabled while the key could not be decrypted:
 *   only `enable()`, which checks the key with the provider, may make it usable again.
 */
export type RecordTrust = 'sealed' | 'legacy' | 'unsealed';

function integrity(record: KeyRecord, message: string): KeyVaultError {
  return new KeyVaultError({
    kind: 'integrity',
    keyId: record.id,
    provider: record.provider,
    user: record.user,
    message,
  });
}

function sameSeal(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks that a decrypted `payload` belongs to `record` (same id, provider and user) and that the
 * record's metadata is the one the vault sealed. Throws `KeyVaultError` `integrity` otherwise, and
 * for an `unsealed` record unless `allowUnsealed` (only `enable()` and `disable()` pass it).
 */
export function checkRecord(record: KeyRecord, payload: KeyPayload, allowUnsealed = false): RecordTrust {
  if (
    payload.provider !== record.provider ||
    payload.user !== record.user ||
    (payload.keyId !== undefined && payload.keyId !== record.id)
  ) {
    throw integrity(
      record,
      `The ciphertext of key ${record.id} was encrypted for another record; it was moved or swapped in the store. Refusing it.`,
    );
  }
  const seal = typeof record.seal === 'string' ? record.seal : undefined;
  if (payload.sealKey === undefined || payload.keyId === undefined) {
    if (seal === undefined) return 'legacy';
    throw integrity(
      record,
      `Key ${record.id} has a seal but its ciphertext holds no seal key: an older ciphertext was put in its place, or the cipher does not return every field it was given. Refusing it.`,
    );
  }
  if (seal === undefined) {
    if (allowUnsealed) return 'unsealed';
    throw integrity(
      record,
      `Key ${record.id} has no seal: it was disabled while its key could not be decrypted (or the record store does not keep the \`seal\` field). Only enable() can make it usable again.`,
    );
  }
  if (!sameSeal(seal, sealOf(record, payload.sealKey))) {
    throw integrity(
      record,
      `The record of key ${record.id} was changed outside the vault: its status, label or other metadata no longer match its seal. Refusing it; remove the record and add the key again.`,
    );
  }
  return 'sealed';
}

/** The record without its seal: what is written when it cannot be sealed. */
export function withoutSeal(record: KeyRecord): KeyRecord {
  const { seal: _seal, ...rest } = record;
  return rest;
}

/**
 * `record` sealed with the seal key in `payload` (its last four characters taken from the key
 * itself). A legacy payload is first re-encrypted with `cipher`, bound to the record's id under a
 * new seal key; the returned payload is the one the returned ciphertext holds.
 */
export async function sealRecord(
  record: KeyRecord,
  payload: KeyPayload,
  cipher: KeyCipher,
): Promise<{ record: KeyRecord; payload: KeyPayload }> {
  let bound = payload;
  let next: KeyRecord = { ...record, last4: payload.apiKey.last4 };
  if (payload.sealKey === undefined || payload.keyId !== record.id) {
    bound = { ...payload, keyId: record.id, sealKey: newSealKey() };
    next = { ...next, ciphertext: await cipher.encrypt(bound), cipher: cipher.name };
  }
  const sealKey = bound.sealKey as SecretKey;
  return { record: { ...next, seal: sealOf(next, sealKey) }, payload: bound };
}
