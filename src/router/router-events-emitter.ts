import { EventEmitter } from 'eventemitter3';
import type { Logger } from '../types/logger.ts';
import type { RouterEventMap } from './router-events.ts';

/**
 * The router's event emitter. A listener that throws never reaches the call that emitted: the
 * router's own bookkeeping (usage records, limit reservations, breaker state) must not depend on
 * users' listeners. The error is logged and the remaining listeners of that emit are skipped.
 */
export class RouterEvents extends EventEmitter<RouterEventMap> {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    super();
    this.logger = logger;
  }

  override emit<K extends keyof RouterEventMap>(event: K, ...args: RouterEventMap[K]): boolean {
    try {
      return (super.emit as (event: K, ...args: RouterEventMap[K]) => boolean)(event, ...args);
    } catch (error) {
      this.logger.error(`[llm-router] a '${String(event)}' listener threw; the call goes on`, {
        event: String(event),
        error: error instanceof Error ? error.message : String(error),
      });
      return true;
    }
  }
}
