import type { ProviderId } from '../catalog/model-definition.ts';
import type { KeyPayload } from './key-cipher.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { SecretKey } from './secret-key.ts';

const PROVIDERS: ReadonlySet<string> = new Set(['openai', 'anthropic', 'google', 'cohere', 'mistral']);
const PAYLOAD_VERSION = 1;

/**
 * The bytes a cipher encrypts: versioned JSON `{ v, provider, user, apiKey }`. Callers should
 * `fill(0)` the buffer once encrypted.
 */
export function encodeKeyPayload(payload: KeyPayload): Buffer {
  return Buffer.from(
    JSON.stringify({
      v: PAYLOAD_VERSION,
      provider: payload.provider,
      user: payload.user,
      apiKey: payload.apiKey.reveal(),
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
  const { v, provider, user, apiKey } = parsed as Record<string, unknown>;
  if (v !== PAYLOAD_VERSION) throw unreadable(`unknown version ${typeof v === 'number' ? v : '?'}`);
  if (typeof provider !== 'string' || !PROVIDERS.has(provider)) throw unreadable('no known provider');
  if (typeof user !== 'string' || user.length === 0) throw unreadable('no user');
  if (typeof apiKey !== 'string' || apiKey.length === 0) throw unreadable('no key');
  return { provider: provider as ProviderId, user, apiKey: new SecretKey(apiKey) };
}
