import type { Router, RouterEventMap, RouterEventName } from '../../src/index.ts';

/** Collects every payload of one router event, in order. */
export function collect<K extends RouterEventName>(router: Router, name: K): RouterEventMap[K][0][] {
  const events: RouterEventMap[K][0][] = [];
  const listener = (event: RouterEventMap[K][0]) => void events.push(event);
  (router.on as (name: K, listener: (event: RouterEventMap[K][0]) => void) => unknown)(name, listener);
  return events;
}
