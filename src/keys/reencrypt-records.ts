import type { KeyVaultErrorKind } from '../types/error-kinds.ts';
import type { KeyCipher } from '../types/key-cipher.ts';
import type { KeyRecord } from '../types/key-record.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { checkRecord, sealRecord } from './record-seal.ts';

/**
 * Every record re-encrypted from `from` to `to`, or a `KeyVaultError` naming the records that
 * could not be (undecryptable, bound to another record, or changed outside the vault) and nothing
 * else: a rotation is all or nothing. Records written before seals come out bound to their id and
 * sealed; a record whose seal was dropped (disabled while undecryptable) stays unsealed.
 */
export async function reencryptRecords(
  records: readonly KeyRecord[],
  from: KeyCipher,
  to: KeyCipher,
  now: number,
): Promise<KeyRecord[]> {
  const updated: KeyRecord[] = [];
  const failed: { id: string; kind: KeyVaultErrorKind }[] = [];
  for (const record of records) {
    try {
      const payload = await from.decrypt(record.ciphertext);
      const trust = checkRecord(record, payload, true);
      if (trust === 'legacy') {
        updated.push({ ...(await sealRecord(record, payload, to)).record, updatedAt: now });
        continue;
      }
      updated.push({ ...record, ciphertext: await to.encrypt(payload), cipher: to.name, updatedAt: now });
    } catch (error) {
      failed.push({ id: record.id, kind: KeyVaultError.isInstance(error) ? error.kind : 'unexpected' });
    }
  }
  if (failed.length > 0) {
    const listed = failed
      .slice(0, 5)
      .map((entry) => `${entry.id}: ${entry.kind}`)
      .join(', ');
    throw new KeyVaultError({
      kind: failed.some((entry) => entry.kind === 'integrity')
        ? 'integrity'
        : (failed[0]?.kind ?? 'unexpected'),
      message: `rotateCipher(): ${failed.length} of ${records.length} record(s) could not be re-encrypted (${listed}${failed.length > 5 ? ', …' : ''}); nothing was written. Remove or repair them, then rotate again.`,
    });
  }
  return updated;
}
