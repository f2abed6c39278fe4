/**
 * `@bestviable/llm-router/keys`: users' own (BYOK) keys: the vault, its ciphers (local, Infisical,
 * the default pick), record stores (memory, file), the key validator and the key constants. The
 * interfaces they implement (`KeyVault`, `KeyCipher`, `KeyRecordStore`, `KeyValidator`) and their
 * errors are exported by the root entry.
 * @packageDocumentation
 */
export { SecretKey } from '../types/secret-key.ts';
export { createDefaultKeyCipher, type DefaultKeyCipherSettings } from './create-default-key-cipher.ts';
export { createKeyVault } from './create-key-vault.ts';
export { createFileKeyRecordStore, type FileKeyRecordStoreSettings } from './file-key-record-store.ts';
export {
  createInfisicalCipher,
  INFISICAL_ENV,
  INFISICAL_MAX_PLAINTEXT_BYTES,
  type InfisicalCipherSettings,
} from './infisical/create-infisical-cipher.ts';
export type { KeyVaultSettings } from './key-vault-settings.ts';
export {
  createLocalCipher,
  generateMasterKey,
  type LocalCipherSettings,
  MASTER_KEY_ENV,
} from './local-cipher.ts';
export { createMemoryKeyRecordStore } from './memory-key-record-store.ts';
export {
  createKeyValidator,
  DEFAULT_VALIDATION_BASE_URLS,
  type KeyValidatorSettings,
} from './validation/create-key-validator.ts';
