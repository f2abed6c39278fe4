import type { LimitStore } from '../types/limit-store.ts';
import type { Logger } from '../types/logger.ts';
import type { RouterEvents } from './router-events-emitter.ts';

/**
 * Passes a shared limit store's availability on as router events (`limit-store-unavailable`,
 * `limit-store-recovered`), logged too. Returns the unsubscribe function (`router.close()` calls it).
 */
export function watchLimitStore(
  store: LimitStore | undefined,
  events: RouterEvents,
  logger: Logger,
): () => void {
  if (!store?.subscribe) return () => {};
  return store.subscribe((event) => {
    if (event.type === 'unavailable') {
      const { type: _type, ...payload } = event;
      logger.warn(
        `[llm-router] the ${event.store} limit store is unavailable (${event.reason}); policy: ${event.policy}`,
        {
          store: event.store,
          policy: event.policy,
        },
      );
      events.emit('limit-store-unavailable', payload);
    } else {
      const { type: _type, ...payload } = event;
      logger.info?.(
        `[llm-router] the ${event.store} limit store answers again after ${event.unavailableMs} ms`,
        {
          store: event.store,
          replayed: event.replayed,
          reconciled: event.reconciled,
        },
      );
      events.emit('limit-store-recovered', payload);
    }
  });
}
