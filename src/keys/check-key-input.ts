import type { ProviderId } from '../catalog/model-definition.ts';
import type { AddKeyInput } from './key-vault.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { SecretKey } from './secret-key.ts';

/** The providers a key can belong to. */
export const KEY_PROVIDERS: readonly ProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];

const MAX_USER = 256;
const MAX_LABEL = 100;
const MIN_KEY = 8;
const MAX_KEY = 2048;

function invalid(method: string, message: string): KeyVaultError {
  return new KeyVaultError({ kind: 'invalid-input', message: `${method}: ${message}` });
}

/** Throws `invalid-input` unless `provider` is a known provider id. */
export function checkProvider(method: string, provider: unknown): asserts provider is ProviderId {
  if (!KEY_PROVIDERS.includes(provider as ProviderId)) {
    throw invalid(
      method,
      `\`provider\` must be one of ${KEY_PROVIDERS.join(', ')} (got ${typeof provider === 'string' ? `"${provider.slice(0, 40)}"` : typeof provider}).`,
    );
  }
}

/** Throws `invalid-input` unless `user` is a non-empty string of at most 256 characters. */
export function checkUser(method: string, user: unknown): asserts user is string {
  if (typeof user !== 'string' || user.length === 0 || user.length > MAX_USER) {
    throw invalid(method, `\`user\` must be a non-empty string of at most ${MAX_USER} characters.`);
  }
}

/** What `add()` stores, checked. Messages never quote the key. */
export interface CheckedAddInput {
  readonly provider: ProviderId;
  readonly user: string;
  readonly apiKey: SecretKey;
  readonly label: string | undefined;
}

/** Checks `add()`'s input and wraps the key. */
export function checkAddInput(input: AddKeyInput): CheckedAddInput {
  if (typeof input !== 'object' || input === null)
    throw invalid('add()', 'pass { provider, user, apiKey, label? }.');
  checkProvider('add()', input.provider);
  checkUser('add()', input.user);
  const raw =
    input.apiKey instanceof SecretKey
      ? input.apiKey.reveal()
      : typeof input.apiKey === 'string'
        ? input.apiKey
        : undefined;
  if (raw === undefined) throw invalid('add()', '`apiKey` must be a string or a SecretKey.');
  const trimmed = raw.trim();
  if (trimmed.length < MIN_KEY || trimmed.length > MAX_KEY) {
    throw invalid(
      'add()',
      `\`apiKey\` must be ${MIN_KEY} to ${MAX_KEY} characters long (got ${trimmed.length}).`,
    );
  }
  if (/\s/.test(trimmed)) throw invalid('add()', '`apiKey` must not contain spaces or line breaks.');
  const { label } = input;
  if (label !== undefined && (typeof label !== 'string' || label.length > MAX_LABEL)) {
    throw invalid('add()', `\`label\` must be a string of at most ${MAX_LABEL} characters.`);
  }
  return { provider: input.provider, user: input.user, apiKey: new SecretKey(trimmed), label };
}
