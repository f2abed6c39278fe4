/**
 * Why one attempt failed. What the router does next is decided from the kind alone, in one table:
 * `FAILURE_RULES` in `src/router/decide-next-step.ts` (same candidate again, what may follow, which
 * breaker counts it), documented in the README's "Error kinds".
 */
export type GatewayErrorKind =
  | 'connection-refused'
  | 'connection-reset'
  | 'timeout'
  | 'server-error'
  | 'unavailable'
  | 'rate-limited'
  | 'gateway-auth'
  | 'provider-auth'
  | 'model-not-found'
  | 'billing'
  | 'context-window'
  | 'breaker-open'
  | 'no-key'
  | 'limit-exceeded'
  | 'invalid-request'
  | 'content-filter'
  | 'bad-response'
  | 'aborted';

/** Where a failure lies: in the gateway itself, or in the provider behind it. */
export type FailureScope = 'gateway' | 'provider';

/**
 * What went wrong in the key vault. The caller decides from the kind alone:
 *
 * | kind | meaning | retry later helps |
 * |---|---|---|
 * | `invalid-input` | a value passed to the vault cannot be stored (empty key, unknown provider, too long) | no |
 * | `invalid-key` | the provider refused the key when it was added (`onInvalid: 'refuse'`) | no |
 * | `not-found` | no key with that id for that user | no |
 * | `integrity` | a ciphertext failed authentication, could not be read, or belongs to another record; or a record was changed outside the vault (its seal does not match) | no |
 * | `unauthorized` | the cipher backend (Infisical) refused the machine identity's credentials | no |
 * | `forbidden` | the machine identity may not use the KMS key | no |
 * | `misconfigured` | the KMS key does not exist or is disabled, or a setting is unusable | no |
 * | `rate-limited` | the cipher backend asked us to slow down | yes |
 * | `unavailable` | the cipher backend could not be reached, timed out, or failed (5xx) | yes |
 * | `unexpected` | the cipher backend answered something we cannot read | yes |
 * | `store` | the record store failed to read or write | maybe |
 * | `closed` | the vault or its cipher was closed (`close()`) | no |
 */
export type KeyVaultErrorKind =
  | 'invalid-input'
  | 'invalid-key'
  | 'not-found'
  | 'integrity'
  | 'unauthorized'
  | 'forbidden'
  | 'misconfigured'
  | 'rate-limited'
  | 'unavailable'
  | 'unexpected'
  | 'store'
  | 'closed';
