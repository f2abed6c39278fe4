import type { LimitDenial } from './rate-limiter.ts';

/** The router event a denial maps to: `limit-reached` for rate limits, `quota-exhausted` for USD budgets. */
export type LimitEventName = 'limit-reached' | 'quota-exhausted';

/**
 * Payload of both events: the denial (scope, limit, kind, unit, used, reserved, size, requested,
 * retryAfterMs, resetsAt, tooLarge) and the call it stopped. The router emits one per limit, scope
 * and window (`LimitEventGate`): `callId` is the first call that limit refused in the window.
 */
export interface LimitEvent extends LimitDenial {
  /** The call the limit refused (the first one in its window). */
  readonly callId: string;
}

/** `quota-exhausted` for a USD budget, `limit-reached` for everything else. */
export function limitEventName(denial: Pick<LimitDenial, 'kind'>): LimitEventName {
  return denial.kind === 'quota' ? 'quota-exhausted' : 'limit-reached';
}
