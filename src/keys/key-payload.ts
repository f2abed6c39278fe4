import type { KeyPayload } from '../types/key-cipher.ts';
import type { ProviderId } from '../types/model.ts';
import { SecretKey } from '../types/secret-key.ts';
import { KeyVaultError } from './key-vault-error.ts';

const PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'google', 'cohere', 'mistral']);
const notPayload = (problem: string) =>
  new KeyVaultError({
    kind: 'invalid-input',
    message: `encrypt(): pass a KeyPayload { provider, user, apiKey: SecretKey, keyId?, sealKey?: SecretKey }; ${problem}.`,
  });

/** Throws `invalid-input` unless `payload` is a `KeyPayload` (the key is never quoted). */
function checkPayload(payload: unknown): asserts payload is KeyPayload {
  if (typeof payload !== 'object' || payload === null) throw notPayload('got no object');
  const { provider, user, apiKey, keyId, sealKey } = payload as Record<string, unknown>;
  if (typeof provider !== 'string' || !PROVIDERS.has(provider))
    throw notPayload('`provider` is not a known provider');
  if (typeof user !== 'string' || user.length === 0) throw notPayload('`user` must be a non-empty string');
  if (!(apiKey instanceof SecretKey)) throw notPayload('`apiKey` must be a SecretKey');
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId.length === 0))
    throw notPayload('`keyId` must be a non-empty string');
  if (sealKey !== undefined && !(sealKey instanceof SecretKey))
    throw notPayload('`sealKey` must be a SecretKey');
}

/** Version 1: `{ v, provider, user, apiKey }`, written before records were bound and sealed. */
const LEGACY_VERSION = 1;
/** Version 2 adds the record id (`keyId`) and the record's seal key. */
const BOUND_VERSION = 2;

/**
 * The bytes a cipher encrypts: versioned JSON `{ v: 2, keyId, provider, user, apiKey, sealKey }`,
 * or `{ v: 1, provider, user, apiKey }` for a payload without a record id and seal key. Callers
 * should `fill(0)` the buffer once encrypted.
 */
export function encodeKeyPayload(payload: KeyPayload): Buffer {
  checkPayload(payload);
  const { keyId, sealKey } = payload;
  const bound = keyId !== undefined && sealKey !== undefined;
  return Buffer.from(
    JSON.stringify({
      v: bound ? BOUND_VERSION : LEGACY_VERSION,
      ...(bound ? { keyId } : {}),
      provider: payload.provider,
      user: payload.user,
      apiKey: payload.apiKey.reveal(),
      ...(bound ? { sealKey: sealKey.reveal() } : {}),
    }),
    'utf8',
  );
}

const unreadable = (detail: string) =>
  new KeyVaultError({
    kind: 'integrity',
    message: `The decrypted key payload is unreadable (${detail}); the ciphertext was not written by this vault.`,
  });

/**
 * Reads what `encodeKeyPayload` wrote. Throws `KeyVaultError` `integrity` without any detail from
 * the bytes: a JSON parse error would quote them, and they hold the key.
 */
export function decodeKeyPayload(bytes: Buffer): KeyPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw unreadable('not JSON');
  } finally {
    bytes.fill(0);
  }
  if (typeof parsed !== 'object' || parsed === null) throw unreadable('not an object');
  const { v, keyId, provider, user, apiKey, sealKey } = parsed as Record<string, unknown>;
  if (v !== LEGACY_VERSION && v !== BOUND_VERSION)
    throw unreadable(`unknown version ${typeof v === 'number' ? v : '?'}`);
  if (typeof provider !== 'string' || !PROVIDERS.has(provider)) throw unreadable('no known provider');
  if (typeof user !== 'string' || user.length === 0) throw unreadable('no user');
  if (typeof apiKey !== 'string' || apiKey.length === 0) throw unreadable('no key');
  const payload = { provider: provider as ProviderId, user, apiKey: new SecretKey(apiKey) };
  if (v === LEGACY_VERSION) return payload;
  if (typeof keyId !== 'string' || keyId.length === 0) throw unreadable('no record id');
  if (typeof sealKey !== 'string' || sealKey.length === 0) throw unreadable('no seal key');
  return { ...payload, keyId, sealKey: new SecretKey(sealKey) };
}
