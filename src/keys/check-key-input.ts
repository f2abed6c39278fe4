import type { KeyStatus } from '../types/key-record.ts';
import type { KeyRecordFilter } from '../types/key-record-store.ts';
import type { AddKeyInput, AddKeyOptions, KeyScope } from '../types/key-vault.ts';
import type { KnownProviderId, ProviderId } from '../types/model.ts';
import { SecretKey } from '../types/secret-key.ts';
import { KeyVaultError } from './key-vault-error.ts';

/** The providers a key can belong to. */
export const KEY_PROVIDERS: readonly KnownProviderId[] = [
  'openai',
  'anthropic',
  'google',
  'cohere',
  'mistral',
];

const MAX_USER = 256;
const MAX_LABEL = 100;
const MIN_KEY = 8;
const MAX_KEY = 2048;

function invalid(method: string, message: string): KeyVaultError {
  return new KeyVaultError({ kind: 'invalid-input', message: `${method}: ${message}` });
}

/** Throws `invalid-input` unless `provider` is a known provider id. */
export function checkProvider(method: string, provider: unknown): asserts provider is ProviderId {
  if (!(KEY_PROVIDERS as readonly unknown[]).includes(provider)) {
    throw invalid(
      method,
      `\`provider\` must be one of ${KEY_PROVIDERS.join(', ')} (got ${typeof provider === 'string' ? `"${provider.slice(0, 40)}"` : typeof provider}).`,
    );
  }
}

/** Throws `invalid-input` unless `user` is a non-empty string of at most 256 characters. */
export function checkUser(method: string, user: unknown, name = 'user'): asserts user is string {
  if (typeof user !== 'string' || user.length === 0 || user.length > MAX_USER) {
    throw invalid(method, `\`${name}\` must be a non-empty string of at most ${MAX_USER} characters.`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Throws `invalid-input` unless `id` is a string (any string: an unknown one is simply not found). */
export function checkKeyId(method: string, id: unknown, name = 'id'): asserts id is string {
  if (typeof id !== 'string') {
    throw invalid(method, `\`${name}\` must be a key id: a string such as "key_3f1c…" from add() or list().`);
  }
}

/** The vault's own ids look like this; anything else is not quoted back (it may be a pasted key). */
const KEY_ID_SHAPE = /^key_[A-Za-z0-9]{1,64}$/;

/** How an id is named in a message: quoted when it has the vault's id shape, else not at all. */
export function describeKeyId(id: string): string {
  return KEY_ID_SHAPE.test(id) ? `"${id}"` : '(not a key id of this vault)';
}

/** Throws `invalid-input` unless `scope` is left out or `{ user? }`. */
export function checkScope(method: string, scope: unknown): asserts scope is KeyScope | undefined {
  if (scope === undefined) return;
  if (!isObject(scope)) throw invalid(method, '`scope` must be { user } or left out.');
  if (scope.user !== undefined) checkUser(method, scope.user, 'scope.user');
}

const STATUSES: readonly KeyStatus[] = ['active', 'disabled', 'unverified'];

/** Throws `invalid-input` unless `filter` is left out or `{ provider?, user?, status? }` with valid values. */
export function checkFilter(method: string, filter: unknown): asserts filter is KeyRecordFilter | undefined {
  if (filter === undefined) return;
  if (!isObject(filter))
    throw invalid(method, 'the filter must be { provider?, user?, status? } or left out.');
  if (filter.provider !== undefined) checkProvider(method, filter.provider);
  if (filter.user !== undefined) checkUser(method, filter.user, 'filter.user');
  if (filter.status !== undefined && !STATUSES.includes(filter.status as KeyStatus)) {
    throw invalid(method, `\`filter.status\` must be one of ${STATUSES.join(', ')}.`);
  }
}

/** Throws `invalid-input` unless `options` is left out or `{ onInvalid? }` with `'disable'` or `'refuse'`. */
export function checkAddOptions(options: unknown): asserts options is AddKeyOptions | undefined {
  if (options === undefined) return;
  if (!isObject(options)) throw invalid('add()', 'options must be { onInvalid } or left out.');
  const { onInvalid } = options;
  if (onInvalid !== undefined && onInvalid !== 'disable' && onInvalid !== 'refuse') {
    throw invalid('add()', "`onInvalid` must be 'disable' or 'refuse'.");
  }
}

/** Throws `invalid-input` unless `request` is an object (its fields are checked by the caller). */
export function checkObject(method: string, value: unknown, shape: string): asserts value is object {
  if (!isObject(value)) throw invalid(method, `pass ${shape}.`);
}

/** Throws `invalid-input` unless `value` is left out or a boolean. */
export function checkOptionalBoolean(method: string, value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean')
    throw invalid(method, `\`${name}\` must be true or false.`);
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
