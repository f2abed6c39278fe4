import { inspect } from 'node:util';
import {
  createInfisicalCipher,
  type InfisicalCipherSettings,
} from '../../src/keys/infisical/create-infisical-cipher.ts';
import type { InfisicalKmsKey, InfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import type { Clock } from '../../src/types/clock.ts';
import type { KeyCipher, KeyPayload } from '../../src/types/key-cipher.ts';
import type { Logger } from '../../src/types/logger.ts';
import type { KnownProviderId } from '../../src/types/model.ts';

/**
 * Test keys per provider. They do not look like any provider's key format, so redaction has to
 * come from knowing the exact value, not from a pattern that happens to match.
 */
export const GOOD: Readonly<Record<KnownProviderId, string>> = {
  openai: 'byok-openai-good-7f3a9c2e1d4b8a60',
  anthropic: 'byok-anthropic-good-41d0c9e37b2f',
  google: 'byok-google-good-90ab17cd53ef2468',
  cohere: 'byok-cohere-good-5e6f7a8b9c0d1e2f',
  mistral: 'byok-mistral-good-0c1d2e3f4a5b6c7d',
};

/** A well-formed key no provider server knows. */
export const UNKNOWN_KEY = 'byok-unknown-key-000000000000dead';

export const PROVIDERS: readonly KnownProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];

/** A logger that keeps every line and its details. */
export function captureLogger(): Logger & { readonly lines: unknown[] } {
  const lines: unknown[] = [];
  const keep = (level: string) => (message: string, details?: Record<string, unknown>) =>
    void lines.push({ level, message, details });
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** Every way a value can be printed: JSON, inspect (with and without custom inspectors), String. */
export function renderings(value: unknown): string[] {
  const out = [
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(value, { depth: Number.POSITIVE_INFINITY, customInspect: false, showHidden: true }),
    String(value),
  ];
  try {
    out.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular structures cannot be stringified; inspect covered them.
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? '');
  return out;
}

/** A Infisical cipher on a loopback server, credentials passed in settings (the env is ignored). */
export function infisicalCipher(
  server: InfisicalServer,
  key: InfisicalKmsKey,
  settings: Partial<InfisicalCipherSettings> & { clock?: Clock } = {},
): KeyCipher {
  return createInfisicalCipher({
    siteUrl: server.siteUrl,
    clientId: server.identity.clientId,
    clientSecret: server.identity.clientSecret,
    keyId: key.id,
    env: {},
    ...settings,
  });
}

/** Wraps a cipher to count its calls (our own object, not a mock of a library). */
export function countingCipher(inner: KeyCipher): KeyCipher & { encrypts: number; decrypts: number } {
  const counted = {
    name: inner.name,
    encrypts: 0,
    decrypts: 0,
    encrypt(payload: KeyPayload) {
      counted.encrypts++;
      return inner.encrypt(payload);
    },
    decrypt(ciphertext: string) {
      counted.decrypts++;
      return inner.decrypt(ciphertext);
    },
  };
  return counted;
}

/** Resolves with the rejection of `promise`, failing if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
