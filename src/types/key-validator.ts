import type { ProviderId } from './model.ts';
import type { SecretKey } from './secret-key.ts';

/**
 * - `valid`: the provider accepted the key (see `reason` for `restricted` and `no_credit`).
 * - `invalid`: the provider refused the key itself.
 * - `unverified`: the check could not tell (network failure, timeout, 5xx, 429, an answer we do not
 *   recognise). Never treated as invalid.
 */
export type KeyValidationStatus = 'valid' | 'invalid' | 'unverified';

/**
 * Why a check came out as it did.
 *
 * | reason | status | meaning |
 * |---|---|---|
 * | `restricted` | valid | the key authenticates but lacks the scope the check needs (OpenAI "Missing scopes: api.model.read") |
 * | `no_credit` | valid | the key authenticates but its account has no credit or quota (OpenAI 429 `insufficient_quota`, Anthropic "credit balance is too low", 402) |
 * | `invalid` | invalid | the provider says the key is wrong, revoked or unknown (401; Gemini 400 `API_KEY_INVALID`; Cohere `valid: false`) |
 * | `forbidden` | invalid | the key may not use this API at all (403 other than missing scopes) |
 * | `rate_limited` | unverified | 429 without a quota problem: check again later |
 * | `network` | unverified | the provider could not be reached |
 * | `timeout` | unverified | no answer within `timeoutMs` |
 * | `server` | unverified | the provider failed (5xx, 529) |
 * | `unexpected` | unverified | an answer the validator does not recognise (e.g. 404 from a wrong base URL) |
 */
export type KeyValidationReason =
  | 'restricted'
  | 'no_credit'
  | 'invalid'
  | 'forbidden'
  | 'rate_limited'
  | 'network'
  | 'timeout'
  | 'server'
  | 'unexpected';

/** What one validation call found. Holds no secret. */
export interface KeyValidationResult {
  readonly status: KeyValidationStatus;
  /** Absent for a plainly valid key. */
  readonly reason?: KeyValidationReason;
  /** The provider's HTTP status, when it answered. */
  readonly httpStatus?: number;
  /** The provider's own words, shortened, with keys removed. */
  readonly message?: string;
  /** How long the provider asked us to wait (429 `Retry-After`), ms. */
  readonly retryAfterMs?: number;
}

/** What a validator checks. */
export interface KeyValidationRequest {
  readonly provider: ProviderId;
  readonly apiKey: SecretKey;
}

/**
 * Checks a provider key with a real call that spends no tokens. It never throws for a provider's
 * answer or a network failure: those are results. It throws only for a bug (an unknown provider).
 */
export interface KeyValidator {
  validate(request: KeyValidationRequest): Promise<KeyValidationResult>;
}
