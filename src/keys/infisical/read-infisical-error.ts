import { redactSecrets } from '../../errors/redact.ts';
import type { KeyVaultErrorKind } from '../../types/error-kinds.ts';
import { KeyVaultError } from '../key-vault-error.ts';

/** What `@infisical/sdk` 5.0.2 lets us know about a failure. Its error classes carry no fields. */
export interface InfisicalFailure {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** The server's `message`, with the SDK's `[URL=…] [Method=…] [StatusCode=…]` prefix removed. */
  readonly serverMessage: string | undefined;
  /** No answer: connection refused, DNS, TLS, or the SDK's own 10 s timeout. */
  readonly network: boolean;
}

// `[URL=<full URL with query>] [Method=POST] [StatusCode=401] Invalid credentials`
const REQUEST_PREFIX = /^\[URL=[\s\S]*?\] \[Method=[A-Za-z]+\] \[StatusCode=(\d+)\] ?/;
const STATUS_ONLY = /^Request failed with status (\d+)$/;
const NETWORK = /^(fetch failed|This operation was aborted|.*ECONNREFUSED.*|.*ENOTFOUND.*)$/;

/**
 * Reads an error thrown by `@infisical/sdk`. The SDK's classes are not exported and carry no
 * status field, so this matches `name` and parses the status out of the message, dropping the URL
 * (it names project, environment and secret path).
 */
export function readInfisicalError(error: unknown): InfisicalFailure {
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (name === 'InfisicalSDKRequestError') {
    const match = REQUEST_PREFIX.exec(message);
    if (match) {
      return {
        status: Number(match[1]),
        serverMessage: message.slice(match[0].length) || undefined,
        network: false,
      };
    }
  }
  const statusOnly = STATUS_ONLY.exec(message);
  if (statusOnly) return { status: Number(statusOnly[1]), serverMessage: undefined, network: false };
  if (NETWORK.test(message)) return { status: undefined, serverMessage: undefined, network: true };
  return { status: undefined, serverMessage: undefined, network: false };
}

/** True when Infisical says our access token is missing, expired or unreadable: log in again. */
export function isTokenProblem(failure: InfisicalFailure): boolean {
  if (failure.status === 401) return true;
  // Expired, malformed or badly signed JWTs are 403 `TokenError`; the SDK keeps only the message.
  return failure.status === 403 && /token|re-authenticate/i.test(failure.serverMessage ?? '');
}

/** Which Infisical call failed, for the error's wording and kind. */
export type InfisicalOperation = 'login' | 'encrypt' | 'decrypt' | 'key lookup';

function kindOf(operation: InfisicalOperation, failure: InfisicalFailure): KeyVaultErrorKind {
  const { status } = failure;
  if (status === undefined) return failure.network ? 'unavailable' : 'unexpected';
  if (status === 401) return 'unauthorized';
  if (status === 403) return isTokenProblem(failure) ? 'unauthorized' : 'forbidden';
  if (status === 404) return 'misconfigured';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'unavailable';
  // 400/422 on decrypt: the ciphertext is not one Infisical can read (tampered, truncated, not base64).
  if (operation === 'decrypt' && (status === 400 || status === 422)) return 'integrity';
  if (status === 400 && /disabled/i.test(failure.serverMessage ?? '')) return 'misconfigured';
  if (operation === 'encrypt' && (status === 400 || status === 422)) return 'invalid-input';
  return 'unexpected';
}

const ADVICE: Partial<Record<KeyVaultErrorKind, string>> = {
  unauthorized:
    'Check INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET (a Universal Auth machine identity); note Infisical locks an identity for 5 minutes after 3 failed logins.',
  forbidden: 'Give the machine identity encrypt and decrypt permission on the KMS key (Cmek) in its project.',
  misconfigured: 'Check INFISICAL_KMS_KEY_ID (or the key name and project id) and that the key is enabled.',
  'rate-limited': 'Infisical rate-limits KMS calls; raise the vault cacheTtlMs or retry later.',
  unavailable: 'Infisical could not be reached or failed; retry later.',
};

/**
 * Turns an SDK failure into a `KeyVaultError` whose message has no URL and no credential.
 * `secrets` are exact values to remove from the server's message as well.
 */
export function toKeyVaultError(
  operation: InfisicalOperation,
  error: unknown,
  secrets: readonly (string | undefined)[],
): KeyVaultError {
  const failure = readInfisicalError(error);
  const kind = kindOf(operation, failure);
  const what =
    failure.status !== undefined
      ? `answered ${failure.status}${failure.serverMessage ? ` (${redactSecrets(failure.serverMessage, secrets).slice(0, 300)})` : ''}`
      : failure.network
        ? 'could not be reached'
        : 'failed in an unexpected way';
  const advice = ADVICE[kind];
  return new KeyVaultError({
    kind,
    status: failure.status,
    message: `Infisical ${operation} ${what}.${advice ? ` ${advice}` : ''}`,
  });
}
