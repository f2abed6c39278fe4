/**
 * The reason an attempt's signal carries when the router aborted it for taking longer than its
 * per-attempt timeout. A transport that sees it reports a `timeout`, not an `aborted` call.
 */
export class AttemptTimeoutReason extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`The attempt took longer than ${timeoutMs} ms.`);
    this.name = 'AttemptTimeoutReason';
    this.timeoutMs = timeoutMs;
  }
}

/** True when `signal` was aborted by the router's attempt timeout rather than by the caller. */
export function isAttemptTimeout(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof AttemptTimeoutReason;
}
