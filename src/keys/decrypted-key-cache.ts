import type { Clock, TimerHandle } from '../types/clock.ts';
import type { KeyPayload } from '../types/key-cipher.ts';

interface Entry {
  /** The ciphertext the payload came from: a re-encrypted or replaced record misses the cache. */
  readonly ciphertext: string;
  readonly payload: KeyPayload;
  readonly expiresAt: number;
  readonly timer: TimerHandle;
}

/** Decrypted payloads kept in memory for a short time, so a busy user does not cost a KMS call per request. */
export interface DecryptedKeyCache {
  get(keyId: string, ciphertext: string): KeyPayload | undefined;
  set(keyId: string, ciphertext: string, payload: KeyPayload): void;
  delete(keyId: string): void;
  clear(): void;
  readonly size: number;
}

/**
 * A per-vault cache of decrypted keys, on the vault's clock. Entries expire after `ttlMs` and are
 * then dropped by a background timer, so a key does not linger in memory after its time. `ttlMs`
 * 0 disables caching. Nothing is ever written anywhere.
 */
export function createDecryptedKeyCache(clock: Clock, ttlMs: number): DecryptedKeyCache {
  const entries = new Map<string, Entry>();

  const remove = (keyId: string) => {
    const entry = entries.get(keyId);
    if (!entry) return;
    entry.timer.cancel();
    entries.delete(keyId);
  };

  return {
    get(keyId, ciphertext) {
      const entry = entries.get(keyId);
      if (!entry) return undefined;
      if (entry.ciphertext !== ciphertext || entry.expiresAt <= clock.now()) {
        remove(keyId);
        return undefined;
      }
      return entry.payload;
    },
    set(keyId, ciphertext, payload) {
      if (ttlMs <= 0) return;
      remove(keyId);
      const timer = clock.setTimer(
        () => {
          if (entries.get(keyId)?.timer === timer) entries.delete(keyId);
        },
        ttlMs,
        { background: true },
      );
      entries.set(keyId, { ciphertext, payload, expiresAt: clock.now() + ttlMs, timer });
    },
    delete: remove,
    clear() {
      for (const keyId of [...entries.keys()]) remove(keyId);
    },
    get size() {
      return entries.size;
    },
  };
}
