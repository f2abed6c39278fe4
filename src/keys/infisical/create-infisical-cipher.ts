import { createSystemClock } from '../../clock/create-system-clock.ts';
import { hasMethods } from '../../errors/check-settings.ts';
import { InvalidSettingsError, type SettingIssue } from '../../errors/invalid-settings-error.ts';
import type { Clock } from '../../types/clock.ts';
import type { KeyCipher, KeyPayload } from '../../types/key-cipher.ts';
import { decodeKeyPayload, encodeKeyPayload } from '../key-payload.ts';
import { KeyVaultError } from '../key-vault-error.ts';
import { createInfisicalSession } from './infisical-session.ts';
import { resolveInfisicalSdkUrl } from './infisical-worker.ts';

/** Environment variables `createInfisicalCipher()` reads when a setting is not passed. */
export const INFISICAL_ENV = {
  siteUrl: 'INFISICAL_SITE_URL',
  clientId: 'INFISICAL_CLIENT_ID',
  clientSecret: 'INFISICAL_CLIENT_SECRET',
  keyId: 'INFISICAL_KMS_KEY_ID',
  keyName: 'INFISICAL_KMS_KEY_NAME',
  projectId: 'INFISICAL_PROJECT_ID',
} as const;

/** Infisical KMS accepts at most this many plaintext bytes per call. */
export const INFISICAL_MAX_PLAINTEXT_BYTES = 4096;

const FORMAT = 'ik1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Settings of `createInfisicalCipher()`. Each falls back to its environment variable; credentials
 * belong in settings loaded from a secret store or in the environment, never in code.
 */
export interface InfisicalCipherSettings {
  /** @default process.env.INFISICAL_SITE_URL ?? 'https://app.infisical.com' */
  readonly siteUrl?: string;
  /** Universal Auth client id of the machine identity. @default process.env.INFISICAL_CLIENT_ID */
  readonly clientId?: string;
  /** Universal Auth client secret. @default process.env.INFISICAL_CLIENT_SECRET */
  readonly clientSecret?: string;
  /**
   * The KMS key (a UUID, in a `kms` project, AES-256-GCM, encrypt-decrypt). Either this, or
   * `keyName` with `projectId`. @default process.env.INFISICAL_KMS_KEY_ID
   */
  readonly keyId?: string;
  /** The KMS key's name, looked up once in `projectId`. @default process.env.INFISICAL_KMS_KEY_NAME */
  readonly keyName?: string;
  /** @default process.env.INFISICAL_PROJECT_ID */
  readonly projectId?: string;
  /**
   * KMS keys used before `keyId`: ciphertexts that name one of them still decrypt. Any other key id
   * in a ciphertext is refused, so a tampered record cannot make the vault use an arbitrary key.
   */
  readonly previousKeyIds?: readonly string[];
  /**
   * Bound on each encrypt or decrypt, login and one re-login included, ms. The SDK itself would
   * retry a refused connection for ~15 s and wait 10 s per attempt; past this bound the cipher
   * throws `KeyVaultError` `unavailable` at once, and the abandoned request is ended (its worker
   * thread terminated) as soon as no other call waits for it.
   * @default 5000
   */
  readonly requestTimeoutMs?: number;
  /**
   * After Infisical refuses the credentials (401), how long calls fail with that refusal before
   * the next login attempt, ms. Infisical locks an identity for 5 minutes after 3 failed logins.
   * @default 30000
   */
  readonly loginRetryDelayMs?: number;
  /** Drives `requestTimeoutMs`. @default the system clock */
  readonly clock?: Clock;
  /** Where the environment variables are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface ResolvedSettings {
  siteUrl: string;
  clientId: string;
  clientSecret: string;
  keyId: string | undefined;
  keyName: string | undefined;
  projectId: string | undefined;
  previousKeyIds: readonly string[];
  requestTimeoutMs: number;
  loginRetryDelayMs: number;
}

function resolveSettings(settings: InfisicalCipherSettings): ResolvedSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new InvalidSettingsError({
      factory: 'createInfisicalCipher()',
      issues: [
        {
          setting: '(settings)',
          problem: 'expected an object of settings, or nothing (INFISICAL_* from the environment)',
        },
      ],
    });
  }
  const issues: SettingIssue[] = [];
  const env: Readonly<Record<string, unknown>> =
    settings.env === undefined
      ? process.env
      : typeof settings.env === 'object' && settings.env !== null
        ? settings.env
        : {};
  if (env !== process.env && env !== settings.env)
    issues.push({ setting: 'env', problem: 'expected an object of environment variables, e.g. process.env' });
  const read = (name: keyof typeof INFISICAL_ENV): string | undefined => {
    const given: unknown = settings[name];
    if (given !== undefined && typeof given !== 'string') {
      // Never quote the value: it may be a credential.
      issues.push({
        setting: name,
        problem: `expected a string, got ${given === null ? 'null' : typeof given}`,
      });
      return undefined;
    }
    const value = given ?? env[INFISICAL_ENV[name]];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const named = (name: keyof typeof INFISICAL_ENV) => `${name} (or ${INFISICAL_ENV[name]})`;
  const siteUrl = read('siteUrl') ?? 'https://app.infisical.com';
  if (!/^https?:\/\/[^\s/]+/.test(siteUrl))
    issues.push({
      setting: named('siteUrl'),
      problem: 'expected an http(s) URL, e.g. "https://app.infisical.com"',
    });
  const clientId = read('clientId');
  if (!clientId)
    issues.push({
      setting: named('clientId'),
      problem: 'missing: the machine identity’s Universal Auth client id',
    });
  const clientSecret = read('clientSecret');
  if (!clientSecret)
    issues.push({
      setting: named('clientSecret'),
      problem: 'missing: the machine identity’s Universal Auth client secret',
    });
  const keyId = read('keyId');
  const keyName = read('keyName');
  const projectId = read('projectId');
  if (keyId && !UUID.test(keyId))
    issues.push({ setting: named('keyId'), problem: 'expected the KMS key’s UUID' });
  if (!keyId && !(keyName && projectId)) {
    issues.push({
      setting: named('keyId'),
      problem: `missing: pass the KMS key's UUID, or keyName with projectId (${INFISICAL_ENV.keyName}, ${INFISICAL_ENV.projectId})`,
    });
  }
  const previous: unknown = settings.previousKeyIds ?? [];
  const previousKeyIds: string[] = [];
  if (!Array.isArray(previous)) {
    issues.push({ setting: 'previousKeyIds', problem: 'expected an array of KMS key UUIDs' });
  } else {
    previous.forEach((id: unknown, index) => {
      if (typeof id === 'string' && UUID.test(id)) previousKeyIds.push(id);
      else issues.push({ setting: `previousKeyIds.${index}`, problem: 'expected a KMS key UUID' });
    });
  }
  if (settings.clock !== undefined && !hasMethods('now', 'setTimer')(settings.clock))
    issues.push({ setting: 'clock', problem: 'expected a Clock (now() and setTimer())' });
  const requestTimeoutMs = settings.requestTimeoutMs ?? 5000;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0)
    issues.push({ setting: 'requestTimeoutMs', problem: 'expected a positive whole number of milliseconds' });
  const loginRetryDelayMs = settings.loginRetryDelayMs ?? 30_000;
  if (!Number.isInteger(loginRetryDelayMs) || loginRetryDelayMs < 0)
    issues.push({ setting: 'loginRetryDelayMs', problem: 'expected 0 or more whole milliseconds' });
  if (issues.length > 0 || !clientId || !clientSecret)
    throw new InvalidSettingsError({ factory: 'createInfisicalCipher()', issues });
  return {
    siteUrl,
    clientId,
    clientSecret,
    keyId,
    keyName,
    projectId,
    previousKeyIds,
    requestTimeoutMs,
    loginRetryDelayMs,
  };
}

/**
 * Encrypts keys with an Infisical KMS key through the real `@infisical/sdk` (5.0.2): the
 * key-encryption key never leaves Infisical, and Infisical stores nothing per key. Each call
 * encrypts `{ provider, user, apiKey }` together (versioned JSON, base64, ≤ 4096 bytes); the vault
 * checks provider and user after decrypting. Ciphertexts read `ik1.<kms key id>.<kms ciphertext>`.
 *
 * Logs in with Universal Auth on first use and again when Infisical answers 401 or 403
 * `TokenError` (an expired token), retrying the call once. Errors are `KeyVaultError`s without the
 * URLs the SDK puts in its messages.
 *
 * The SDK runs in a worker thread: its requests cannot be cancelled through its API (it retries a
 * refused connection for ~15 s and a hung one for ~65 s on its own timers), so a request abandoned
 * at `requestTimeoutMs` is ended by terminating its worker once no other call waits for it, and
 * `close()` (called by `vault.close()`) ends them all at once. The worker never keeps the process
 * alive on its own.
 *
 * `@infisical/sdk` is an optional peer dependency, loaded only by that worker: this throws
 * `MissingDependencyError` when it is not installed (`npm i @infisical/sdk@5.0.2`).
 *
 * @example
 * // INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET and INFISICAL_KMS_KEY_ID set in the environment
 * const cipher = createInfisicalCipher();
 * const vault = createKeyVault({ cipher, store, validator });
 */
export function createInfisicalCipher(settings: InfisicalCipherSettings = {}): KeyCipher {
  const resolved = resolveSettings(settings);
  const clock = settings.clock ?? createSystemClock();
  const session = createInfisicalSession({
    siteUrl: resolved.siteUrl,
    sdkUrl: resolveInfisicalSdkUrl(),
    clientId: resolved.clientId,
    clientSecret: resolved.clientSecret,
    requestTimeoutMs: resolved.requestTimeoutMs,
    loginRetryDelayMs: resolved.loginRetryDelayMs,
    clock,
  });

  let currentKeyId: Promise<string> | undefined = resolved.keyId
    ? Promise.resolve(resolved.keyId)
    : undefined;
  function keyId(): Promise<string> {
    if (!currentKeyId) {
      const { keyName, projectId } = resolved;
      const lookup = session
        .run('key lookup', (sdk) => sdk.keyByName({ projectId: projectId ?? '', name: keyName ?? '' }))
        .then((key) => {
          if (typeof key?.id !== 'string' || !UUID.test(key.id)) {
            throw new KeyVaultError({
              kind: 'unexpected',
              message: 'Infisical key lookup answered without a key id.',
            });
          }
          return key.id;
        });
      lookup.catch(() => {
        if (currentKeyId === lookup) currentKeyId = undefined; // look it up again next time
      });
      currentKeyId = lookup;
    }
    return currentKeyId;
  }

  return {
    name: 'infisical-kms',

    async encrypt(payload: KeyPayload): Promise<string> {
      const bytes = encodeKeyPayload(payload);
      if (bytes.length > INFISICAL_MAX_PLAINTEXT_BYTES) {
        const size = bytes.length;
        bytes.fill(0);
        throw new KeyVaultError({
          kind: 'invalid-input',
          provider: payload.provider,
          user: payload.user,
          message: `The key and its user id take ${size} bytes; Infisical KMS encrypts at most ${INFISICAL_MAX_PLAINTEXT_BYTES}.`,
        });
      }
      const plaintext = bytes.toString('base64');
      bytes.fill(0);
      const id = await keyId();
      const secret = payload.apiKey.reveal();
      const ciphertext = await session.run('encrypt', (sdk) => sdk.encrypt({ keyId: id, plaintext }), [
        secret,
        plaintext,
      ]);
      if (typeof ciphertext !== 'string' || ciphertext.length === 0) {
        throw new KeyVaultError({
          kind: 'unexpected',
          message: 'Infisical encrypt answered without a ciphertext.',
        });
      }
      return `${FORMAT}.${id}.${ciphertext}`;
    },

    async decrypt(ciphertext: string): Promise<KeyPayload> {
      const first = typeof ciphertext === 'string' ? ciphertext.indexOf('.') : -1;
      const second = first < 0 ? -1 : ciphertext.indexOf('.', first + 1);
      if (
        first < 0 ||
        second < 0 ||
        ciphertext.slice(0, first) !== FORMAT ||
        second === ciphertext.length - 1
      ) {
        throw new KeyVaultError({
          kind: 'integrity',
          message:
            'The ciphertext is not in the Infisical cipher format (ik1.…); it was not written by createInfisicalCipher().',
        });
      }
      const recordKeyId = ciphertext.slice(first + 1, second);
      const current = await keyId();
      if (recordKeyId !== current && !resolved.previousKeyIds.includes(recordKeyId)) {
        throw new KeyVaultError({
          kind: 'integrity',
          message: `The ciphertext names KMS key ${UUID.test(recordKeyId) ? recordKeyId : '(not a UUID)'}, which is neither the configured key nor in previousKeyIds.`,
        });
      }
      const kmsCiphertext = ciphertext.slice(second + 1);
      const plaintext = await session.run('decrypt', (sdk) =>
        sdk.decrypt({ keyId: recordKeyId, ciphertext: kmsCiphertext }),
      );
      if (typeof plaintext !== 'string') {
        throw new KeyVaultError({
          kind: 'unexpected',
          message: 'Infisical decrypt answered without a plaintext.',
        });
      }
      return decodeKeyPayload(Buffer.from(plaintext, 'base64'));
    },

    close: () => session.close(),
  };
}
