/**
 * Limits on one scope (a provider, a BYOK key, a user). Every field is optional; an absent field
 * means no limit of that kind. Windows are calendar windows in the limiter's `timeZone`: the
 * wall-clock minute, the calendar day and the calendar month.
 *
 * Field names are also the `limit` named in denials, errors, events and `status()`, so the setting
 * to raise is always the one reported.
 *
 * @example
 * const openai: LimitSettings = { requestsPerMinute: 500, tokensPerMinute: 200_000, budgetUsdPerDay: 25 };
 */
export interface LimitSettings {
  /** Requests started per wall-clock minute (each attempt counts one). */
  readonly requestsPerMinute?: number;
  /** Tokens (prompt + output) per wall-clock minute. */
  readonly tokensPerMinute?: number;
  /** Requests started per calendar day. */
  readonly requestsPerDay?: number;
  /** Tokens (prompt + output) per calendar day. */
  readonly tokensPerDay?: number;
  /** USD spent per calendar day, up to 1e9. Counted in whole micro-dollars (the budget rounded down). */
  readonly budgetUsdPerDay?: number;
  /** USD spent per calendar month, up to 1e9. Counted in whole micro-dollars (the budget rounded down). */
  readonly budgetUsdPerMonth?: number;
}

/**
 * The time zone calendar windows (day, month) roll over in: `'UTC'`, or a fixed offset in minutes
 * east of UTC (`60` for UTC+1, `-300` for UTC−5, `330` for UTC+5:30). Fixed offsets do not follow
 * daylight-saving changes.
 */
export type LimitTimeZone = 'UTC' | number;
