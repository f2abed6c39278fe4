export type { KeyVaultErrorKind } from '../types/error-kinds.ts';
export type { KeyCipher, KeyPayload } from '../types/key-cipher.ts';
export type { KeyCheck, KeyDisabledBy, KeyInfo, KeyRecord, KeyStatus } from '../types/key-record.ts';
export type { KeyRecordFilter, KeyRecordStore } from '../types/key-record-store.ts';
export type {
  KeyValidationReason,
  KeyValidationRequest,
  KeyValidationResult,
  KeyValidationStatus,
  KeyValidator,
} from '../types/key-validator.ts';
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
} from '../types/key-vault.ts';
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
export { KeyRecordConflictError } from './key-record-conflict-error.ts';
export { KeyVaultError, type KeyVaultErrorOptions } from './key-vault-error.ts';
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
