import type { UsageRecord } from '../usage/usage-record.ts';
import type { RouterContext } from './router-context.ts';

/**
 * Hands a finished call's record to the tracker and emits `usage`, once. The tracker cannot fail or
 * slow the call: a throw or a rejected promise becomes a `tracker-error` event.
 */
export function recordUsage(context: RouterContext, record: UsageRecord): void {
  try {
    const pending = context.tracker.record(record);
    if (pending && typeof (pending as Promise<void>).then === 'function') {
      (pending as Promise<void>).then(undefined, (error: unknown) =>
        reportTrackerError(context, record.callId, error),
      );
    }
  } catch (error) {
    reportTrackerError(context, record.callId, error);
  }
  context.events.emit('usage', record);
}

function reportTrackerError(context: RouterContext, callId: string, error: unknown): void {
  context.logger.error('[llm-router] usage tracker failed to record a call', { callId });
  context.events.emit('tracker-error', { callId, error });
}
