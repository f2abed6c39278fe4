import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { InvalidSettingsError, type SettingIssue } from '../errors/invalid-settings-error.ts';
import type { KeyCipher, KeyPayload } from '../types/key-cipher.ts';
import { decodeKeyPayload, encodeKeyPayload } from './key-payload.ts';
import { KeyVaultError } from './key-vault-error.ts';

/** The environment variable the local cipher reads its master key from. */
export const MASTER_KEY_ENV = 'LLM_ROUTER_MASTER_KEY';

const FORMAT = 'lc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KDF_INFO = '@bestviable/llm-router byok key encryption v1';

/** Settings of `createLocalCipher()`. */
export interface LocalCipherSettings {
  /**
   * The master key: 32 random bytes, base64-encoded (or the bytes themselves). Generate one with
   * `generateMasterKey()` or `node -e "console.log(crypto.randomBytes(32).toString('base64'))"`.
   * @default process.env.LLM_ROUTER_MASTER_KEY
   */
  readonly masterKey?: string | Uint8Array;
  /**
   * Master keys that were used before. They only decrypt; `encrypt` always uses `masterKey`. Keep
   * the old key here while `vault.rotateCipher()` re-encrypts, and until it has finished.
   */
  readonly previousMasterKeys?: readonly (string | Uint8Array)[];
  /** Where `LLM_ROUTER_MASTER_KEY` is read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface DerivedKey {
  /** Public fingerprint of the master key, stored in each ciphertext to pick the key for decryption. */
  readonly id: string;
  readonly key: Buffer;
}

function toBytes(value: unknown, setting: string, issues: SettingIssue[]): Buffer | undefined {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    // Never quote the value: it may be the master key in the wrong shape.
    issues.push({
      setting,
      problem: `expected 32 random bytes, base64-encoded (a string of 44 characters) or as a Uint8Array; got ${value === null ? 'null' : typeof value}. Generate one with generateMasterKey().`,
    });
    return undefined;
  }
  const bytes = typeof value === 'string' ? Buffer.from(value.trim(), 'base64') : Buffer.from(value);
  if (bytes.length !== 32) {
    // Never quote the value: it is the master key.
    issues.push({
      setting,
      problem: `expected 32 random bytes, base64-encoded (44 characters); got ${bytes.length} bytes. Generate one with generateMasterKey().`,
    });
    return undefined;
  }
  return bytes;
}

/** The `env` setting, or `process.env`; anything but an object is an issue. */
function readEnv(value: unknown, issues: SettingIssue[]): Readonly<Record<string, unknown>> {
  if (value === undefined) return process.env;
  if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  issues.push({ setting: 'env', problem: 'expected an object of environment variables, e.g. process.env' });
  return {};
}

function derive(master: Buffer): DerivedKey {
  const id = createHmac('sha256', master).update('key id').digest('base64url').slice(0, 12);
  const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), KDF_INFO, 32));
  return { id, key };
}

/** 32 random bytes, base64-encoded: a fresh master key for `createLocalCipher()`. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * **The development default.** Encrypts keys on this machine with AES-256-GCM under a master key
 * from the environment (`LLM_ROUTER_MASTER_KEY`). Whoever reads both the record store and the
 * environment can decrypt every key, so in production use `createInfisicalCipher()`, where the
 * key-encryption key never leaves Infisical.
 *
 * Ciphertexts read `lc1.<master key fingerprint>.<iv>.<ciphertext+tag>` (base64url). The header is
 * bound as additional authenticated data, and the payload carries provider and user, so neither
 * can be changed or swapped without the decryption failing or the vault refusing the record.
 *
 * @example
 * const cipher = createLocalCipher(); // reads LLM_ROUTER_MASTER_KEY
 * // rotate: new key first, old key kept for decryption until the vault has re-encrypted
 * await vault.rotateCipher(createLocalCipher({ masterKey: next, previousMasterKeys: [current] }));
 */
export function createLocalCipher(settings: LocalCipherSettings = {}): KeyCipher {
  if (typeof settings !== 'object' || settings === null) {
    throw new InvalidSettingsError({
      factory: 'createLocalCipher()',
      issues: [
        { setting: '(settings)', problem: 'expected { masterKey?, previousMasterKeys?, env? } or nothing' },
      ],
    });
  }
  const issues: SettingIssue[] = [];
  const env = readEnv(settings.env, issues);
  const configured = settings.masterKey ?? env[MASTER_KEY_ENV];
  let current: DerivedKey | undefined;
  if (configured === undefined || configured === '') {
    issues.push({
      setting: 'masterKey',
      problem: `missing: pass masterKey or set ${MASTER_KEY_ENV} to 32 random bytes, base64-encoded (generateMasterKey() makes one)`,
    });
  } else {
    const bytes = toBytes(
      configured,
      settings.masterKey === undefined ? MASTER_KEY_ENV : 'masterKey',
      issues,
    );
    if (bytes) current = derive(bytes);
  }
  const keys = new Map<string, DerivedKey>();
  if (current) keys.set(current.id, current);
  const previous: unknown = settings.previousMasterKeys ?? [];
  if (!Array.isArray(previous)) {
    issues.push({ setting: 'previousMasterKeys', problem: 'expected an array of master keys' });
  } else {
    previous.forEach((value: unknown, index) => {
      const bytes = toBytes(value, `previousMasterKeys.${index}`, issues);
      if (bytes) {
        const derived = derive(bytes);
        if (!keys.has(derived.id)) keys.set(derived.id, derived);
      }
    });
  }
  if (issues.length > 0 || !current)
    throw new InvalidSettingsError({ factory: 'createLocalCipher()', issues });
  const encryptionKey = current;

  return {
    name: 'local-aes-256-gcm',

    async encrypt(payload: KeyPayload): Promise<string> {
      const header = `${FORMAT}.${encryptionKey.id}`;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey.key, iv);
      cipher.setAAD(Buffer.from(header, 'utf8'));
      const plaintext = encodeKeyPayload(payload);
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      plaintext.fill(0);
      return `${header}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },

    async decrypt(ciphertext: string): Promise<KeyPayload> {
      const parts = typeof ciphertext === 'string' ? ciphertext.split('.') : [];
      const [format, keyId, ivText, sealedText] = parts;
      if (parts.length !== 4 || format !== FORMAT || !keyId || !ivText || !sealedText) {
        throw new KeyVaultError({
          kind: 'integrity',
          message:
            'The ciphertext is not in the local cipher format (lc1.…); it was not written by createLocalCipher().',
        });
      }
      const key = keys.get(keyId);
      if (!key) {
        throw new KeyVaultError({
          kind: 'misconfigured',
          message: `The ciphertext was encrypted under another master key (fingerprint ${keyId}). Pass that key in previousMasterKeys.`,
        });
      }
      const iv = Buffer.from(ivText, 'base64url');
      const sealed = Buffer.from(sealedText, 'base64url');
      if (iv.length !== IV_BYTES || sealed.length <= TAG_BYTES) {
        throw new KeyVaultError({ kind: 'integrity', message: 'The ciphertext is truncated.' });
      }
      const decipher = createDecipheriv('aes-256-gcm', key.key, iv);
      decipher.setAAD(Buffer.from(`${FORMAT}.${keyId}`, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const opened = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      try {
        decipher.final();
      } catch {
        opened.fill(0); // unauthenticated bytes: drop them
        throw new KeyVaultError({
          kind: 'integrity',
          message: 'The ciphertext failed authentication: it was altered or damaged.',
        });
      }
      return decodeKeyPayload(opened);
    },
  };
}
