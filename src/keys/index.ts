export { createDefaultKeyCipher, type DefaultKeyCipherSettings } from './create-default-key-cipher.ts';
export { createKeyVault } from './create-key-vault.ts';
export { createFileKeyRecordStore, type FileKeyRecordStoreSettings } from './file-key-record-store.ts';
export {
  createInfisicalCipher,
  INFISICAL_ENV,
  INFISICAL_MAX_PLAINTEXT_BYTES,
  type InfisicalCipherSettings,
} from './infisical/create-infisical-cipher.ts';
export type { KeyCipher, KeyPayload } from './key-cipher.ts';
export type { KeyCheck, KeyDisabledBy, KeyInfo, KeyRecord, KeyStatus } from './key-record.ts';
export { KeyRecordConflictError } from './key-record-conflict-error.ts';
export type { KeyRecordFilter, KeyRecordStore } from './key-record-store.ts';
export type {
  AddKeyInput,
  AddKeyOptions,
  CipherRotationResult,
  InvalidKeyPolicy,
  KeyCheckResult,
  KeyRejection,
  KeyScope,
  KeyVault,
  KeyVaultEvent,
  RejectionOutcome,
  ResolvedKey,
  ResolveKeyRequest,
} from './key-vault.ts';
export { KeyVaultError, type KeyVaultErrorKind, type KeyVaultErrorOptions } from './key-vault-error.ts';
export type { KeyVaultSettings } from './key-vault-settings.ts';
export {
  createLocalCipher,
  generateMasterKey,
  type LocalCipherSettings,
  MASTER_KEY_ENV,
} from './local-cipher.ts';
export { createMemoryKeyRecordStore } from './memory-key-record-store.ts';
export { SecretKey } from './secret-key.ts';
export {
  createKeyValidator,
  DEFAULT_VALIDATION_BASE_URLS,
  type KeyValidatorSettings,
} from './validation/create-key-validator.ts';
export type {
  KeyValidationReason,
  KeyValidationRequest,
  KeyValidationResult,
  KeyValidationStatus,
  KeyValidator,
} from './validation/key-validator.ts';
