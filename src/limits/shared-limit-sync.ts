import type { Clock } from '../types/clock.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import type { LimitStore } from '../types/limit-store.ts';
import { limitSettingsSchema } from './limit-settings-schema.ts';
import type { LimitTable } from './limit-table.ts';

/** How often a limiter reads the limits other processes set, at most (on its clock). */
export const LIMIT_SYNC_INTERVAL_MS = 1_000;

/** Shares limits set at run time through a store that keeps them (`writeLimits` / `readLimits`). */
export interface SharedLimitSync {
  /** Reads other processes' changes when the last read is older than the interval; else nothing. */
  refresh(): Promise<void> | undefined;
  /** Writes a change made here, for the other processes. */
  publish(scope: string, limits: LimitSettings | undefined): void;
}

const NO_SYNC: SharedLimitSync = { refresh: () => undefined, publish: () => {} };

/**
 * Keeps `table` in step with the limits every process sharing `store` sets at run time: each change
 * here is written to the store, and the store's list is read back at most once per
 * `LIMIT_SYNC_INTERVAL_MS`, applying each scope's writes newer than the last one applied here (so
 * the latest `set()` of a scope wins everywhere within about a second). Limits given at start stay
 * local until a run-time change of the same scope replaces them. A store without the two methods,
 * or none, shares nothing.
 */
export function createSharedLimitSync(
  store: LimitStore | undefined,
  table: LimitTable,
  clock: Clock,
): SharedLimitSync {
  const read = store?.readLimits?.bind(store);
  const write = store?.writeLimits?.bind(store);
  if (!read || !write) return NO_SYNC;
  const applied = new Map<string, number>();
  // Scopes with a write of ours in flight: an older value read meanwhile must not undo it.
  const writing = new Map<string, number>();
  let nextReadAtMs = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  async function readNow(): Promise<void> {
    try {
      for (const shared of (await read?.()) ?? []) {
        if (writing.has(shared.scope) || shared.version <= (applied.get(shared.scope) ?? 0)) continue;
        applied.set(shared.scope, shared.version);
        const checked =
          shared.limits === undefined ? undefined : limitSettingsSchema.safeParse(shared.limits);
        // A stored value this version cannot read is skipped rather than applied half-understood.
        if (checked && !checked.success) continue;
        table.set(shared.scope, checked?.data);
      }
    } catch {
      // The store could not answer: the limits already here stay in force until the next read.
    } finally {
      nextReadAtMs = clock.now() + LIMIT_SYNC_INTERVAL_MS;
      reading = undefined;
    }
  }

  return {
    refresh() {
      if (clock.now() < nextReadAtMs) return undefined;
      reading ??= readNow();
      return reading;
    },
    publish(scope, limits) {
      writing.set(scope, (writing.get(scope) ?? 0) + 1);
      const done = (version: number) => {
        if (version > (applied.get(scope) ?? 0)) applied.set(scope, version);
        const left = (writing.get(scope) ?? 1) - 1;
        if (left > 0) writing.set(scope, left);
        else writing.delete(scope);
      };
      Promise.resolve()
        .then(() => write({ scope, limits }))
        .then(done, () => done(0));
    },
  };
}
