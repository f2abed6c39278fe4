import * as z from 'zod/mini';
import { checkSettings, clockSchema, hasMethods, whole } from '../errors/check-settings.ts';
import type { Clock } from '../types/clock.ts';
import type { KeyCipher } from '../types/key-cipher.ts';
import type { KeyRecordStore } from '../types/key-record-store.ts';
import type { KeyValidator } from '../types/key-validator.ts';
import type { InvalidKeyPolicy, KeyVaultEvent } from '../types/key-vault.ts';
import type { Logger } from '../types/logger.ts';

/** Settings of `createKeyVault()`. */
export interface KeyVaultSettings {
  /** Encrypts keys before they are stored: `createInfisicalCipher()`, or `createLocalCipher()` for development. */
  readonly cipher: KeyCipher;
  /** Where records go: `createMemoryKeyRecordStore()`, `createFileKeyRecordStore()`, or your own. */
  readonly store: KeyRecordStore;
  /** Checks keys with a real call: `createKeyValidator()`. */
  readonly validator: KeyValidator;
  /** Timestamps and the cache's expiry. @default the system clock */
  readonly clock?: Clock;
  /**
   * How long a decrypted key stays in memory after a `resolve()`, ms. 0 decrypts on every call
   * (a KMS round trip each time; Infisical rate-limits KMS calls).
   * @default 60000
   */
  readonly cacheTtlMs?: number;
  /**
   * A key the provider refuses on `add()`: `refuse` throws `KeyVaultError` `invalid-key` and stores
   * nothing; `disable` stores it disabled with the reason.
   * @default 'refuse'
   */
  readonly onInvalid?: InvalidKeyPolicy;
  /**
   * `reportRejected()` runs no new check when a rejection of the same key triggered one less than
   * this long ago, ms (a burst of 401s makes one validation call, not one each).
   * @default 60000
   */
  readonly rejectionRecheckMs?: number;
  /** Warnings (a ciphertext bound to another record) go here; `false` silences. @default console */
  readonly logger?: Logger | false;
  /** Called for every key event; exceptions it throws are ignored. */
  readonly onEvent?: (event: KeyVaultEvent) => void;
}

const milliseconds = z
  .number({ message: 'expected a number of milliseconds' })
  .check(whole('expected a whole number of milliseconds'), z.minimum(0, 'expected 0 or more milliseconds'));

const settingsSchema = z.strictObject({
  cipher: z.custom(hasMethods('encrypt', 'decrypt'), {
    message:
      'expected a KeyCipher (encrypt() and decrypt()), e.g. createInfisicalCipher() or createLocalCipher()',
  }),
  store: z.custom(hasMethods('get', 'list', 'put', 'putMany', 'delete'), {
    message:
      'expected a KeyRecordStore, e.g. createMemoryKeyRecordStore() or createFileKeyRecordStore({ path })',
  }),
  validator: z.custom(hasMethods('validate'), {
    message: 'expected a KeyValidator, e.g. createKeyValidator()',
  }),
  clock: z.optional(clockSchema),
  cacheTtlMs: z.optional(milliseconds),
  onInvalid: z.optional(z.enum(['disable', 'refuse'], { message: "expected 'disable' or 'refuse'" })),
  rejectionRecheckMs: z.optional(milliseconds),
  logger: z.optional(
    z.union([z.literal(false), z.custom(hasMethods('warn', 'error'))], {
      message: 'expected false or a console-compatible logger (warn() and error())',
    }),
  ),
  onEvent: z.optional(z.custom((value) => typeof value === 'function', { message: 'expected a function' })),
});

/** Checks `createKeyVault()` settings once; throws `InvalidSettingsError` naming each bad setting. */
export function checkKeyVaultSettings(settings: KeyVaultSettings): void {
  checkSettings(settingsSchema, settings, 'createKeyVault()');
}
