import { forwardAbort } from '../clock/forward-abort.ts';
import type { Clock, TimerHandle } from '../types/clock.ts';

/** The reason a call's signal carries when its overall deadline (`timeoutMs`) passed. */
export class CallDeadlineReason extends Error {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`The call took longer than ${timeoutMs} ms.`);
    this.name = 'CallDeadlineReason';
    this.timeoutMs = timeoutMs;
  }
}

/** A call's own signal: aborted by the caller's signal or by the call's deadline. */
export interface CallSignal {
  readonly signal: AbortSignal;
  readonly deadline: number;
  /** Releases the timer and the listener on the caller's signal. */
  dispose(): void;
}

export function createCallSignal(
  clock: Clock,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
): CallSignal {
  const controller = new AbortController();
  const deadline = clock.now() + timeoutMs;
  const stopForwarding = forwardAbort(callerSignal, controller);
  const timer: TimerHandle | undefined = controller.signal.aborted
    ? undefined
    : clock.setTimer(() => controller.abort(new CallDeadlineReason(timeoutMs)), timeoutMs);
  return {
    signal: controller.signal,
    deadline,
    dispose() {
      timer?.cancel();
      stopForwarding();
    },
  };
}
