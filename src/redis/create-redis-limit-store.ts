import { randomUUID } from 'node:crypto';
import { checkSettings } from '../errors/check-settings.ts';
import { LimitStoreError, type LimitStoreOperation } from '../limits/limit-store-error.ts';
import type {
  LimitBlockRequest,
  LimitReadRequest,
  LimitReleaseRequest,
  LimitReserveRequest,
  LimitReserveResult,
  LimitSettingsWrite,
  LimitSettleRequest,
  LimitStore,
  LimitStoreAvailabilityEvent,
  LimitStoreSnapshot,
  SharedLimitSettings,
} from '../types/limit-store.ts';
import { ExpiringMap } from './expiring-map.ts';
import {
  blockArgs,
  readArgs,
  readLimitsReply,
  readReadReply,
  readReserveReply,
  reconcileArgs,
  reserveArgs,
  settleArgs,
  settleUses,
  writeLimitsArgs,
} from './limit-script-codec.ts';
import { LIMIT_SCRIPTS, type LuaScript } from './limit-scripts.ts';
import { LocalLimitFallback } from './local-limit-fallback.ts';
import {
  type RedisLimitStoreSettings,
  type RedisUnavailablePolicy,
  redisLimitStoreSettingsSchema,
} from './redis-limit-store-settings.ts';
import { type RedisScriptAdapter, redisScriptAdapterOf } from './redis-script-adapter.ts';
import { ScriptRunner, StoreRejected, StoreUnreachable } from './script-runner.ts';
import { type HeldOperation, StoreAvailability } from './store-availability.ts';

const STORE = 'redis';
// Reservations in flight whose epoch a process remembers, and for how long after their lease.
const MAX_EPOCHS = 100_000;
const EPOCH_GRACE_MS = 3_600_000;

/** A `LimitStore` on Redis, shared by every process that uses the same server and `keyPrefix`. */
export interface RedisLimitStore extends LimitStore {
  reserve(request: LimitReserveRequest): Promise<LimitReserveResult>;
  settle(request: LimitSettleRequest): Promise<void>;
  release(request: LimitReleaseRequest): Promise<void>;
  block(request: LimitBlockRequest): Promise<void>;
  read(request: LimitReadRequest): Promise<LimitStoreSnapshot>;
  subscribe(listener: (event: LimitStoreAvailabilityEvent) => void): () => void;
  writeLimits(request: LimitSettingsWrite): Promise<number>;
  readLimits(): Promise<readonly SharedLimitSettings[]>;
  /** Whether calls go to Redis now (`false` while the `onUnavailable` policy applies). */
  readonly available: boolean;
  /** Settles, releases and blocks waiting for Redis to answer again. */
  readonly pending: number;
  /**
   * Stops the background probe after one last attempt to apply what is pending. Does not close
   * your client. Operations still pending after it are dropped (leases still end on time).
   */
  close(): Promise<void>;
}

/**
 * Limit counters, reservations (leases) and upstream blocks on Redis, for many processes. Each
 * operation is one Lua script run with `EVALSHA` (reloaded with `EVAL` after `NOSCRIPT`), atomic
 * over every scope and window of the call; each call is bounded by `timeoutMs`, and
 * `onUnavailable` decides what happens while Redis does not answer. Settings are checked here; a
 * bad one throws `InvalidSettingsError` naming it.
 *
 * @example
 * import { createClient } from 'redis'; // or: import Redis from 'ioredis'; const client = new Redis();
 * import { createRedisLimitStore } from '@bestviable/llm-router/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const router = createRouter({
 *   providers: { openai: { limits: { requestsPerMinute: 500, budgetUsdPerDay: 20 } } },
 *   limits: { store: createRedisLimitStore({ client, keyPrefix: 'my-app:limits' }) },
 * });
 */
export function createRedisLimitStore(settings: RedisLimitStoreSettings): RedisLimitStore {
  const checked = checkSettings(redisLimitStoreSettingsSchema, settings, 'createRedisLimitStore()');
  const adapter: RedisScriptAdapter | undefined = checked.adapter ?? redisScriptAdapterOf(checked.client);
  if (!adapter) throw new TypeError('createRedisLimitStore(): unreachable, settings were checked');
  const prefix = `{${checked.keyPrefix ?? 'llm-router:limits'}}:`;
  const timeoutMs = checked.timeoutMs ?? 1_000;
  const policy: RedisUnavailablePolicy = checked.onUnavailable ?? 'refuse';
  const runner = new ScriptRunner(adapter, `${prefix}scopes`, timeoutMs);
  const fallback = policy === 'allow-local' ? new LocalLimitFallback() : undefined;
  let closed = false;
  // The callers' clock (a fake one in tests) as of their last request, to time held operations.
  let lastNowMs = Date.now();
  let lastNowAtMs = Date.now();
  const callerNow = () => lastNowMs + Math.max(0, Date.now() - lastNowAtMs);
  const sawNow = (nowMs: number) => {
    lastNowMs = nowMs;
    lastNowAtMs = Date.now();
  };

  const reconcileOperation = (): HeldOperation | undefined => {
    const uses = fallback?.takeUses() ?? [];
    if (uses.length === 0) return undefined;
    const flushId = randomUUID();
    return {
      kind: 'reconcile',
      run: async (nowMs) => {
        await runner.run(LIMIT_SCRIPTS.reconcile, reconcileArgs(prefix, nowMs, flushId, uses));
        availability.countReconciled(uses.length);
      },
    };
  };

  const availability = new StoreAvailability({
    store: STORE,
    policy,
    retryIntervalMs: checked.retryIntervalMs ?? 1_000,
    callerNow,
    probe: async () => {
      await runner.run(LIMIT_SCRIPTS.ping, []);
    },
    onDown: () => fallback?.begin(),
    beforeUp: reconcileOperation,
    onUp: () => fallback?.end(),
  });

  function failure(operation: LimitStoreOperation, error: unknown): LimitStoreError {
    if (error instanceof StoreRejected) {
      return new LimitStoreError({
        reason: 'rejected',
        store: STORE,
        operation,
        message: `Redis refused the limit store's ${operation} script: ${error.message}. Check that nothing else writes under its keyPrefix.`,
        cause: error.cause,
      });
    }
    return new LimitStoreError({
      reason: 'unavailable',
      store: STORE,
      operation,
      message: `the Redis limit store is unavailable (${availability.reason ?? String(error)}) and its policy is onUnavailable: 'refuse'; calls with limits are refused until Redis answers again (onUnavailable: 'allow-local' counts them in each process meanwhile)`,
    });
  }

  function closedError(operation: LimitStoreOperation): LimitStoreError {
    return new LimitStoreError({
      reason: 'closed',
      store: STORE,
      operation,
      message: `the Redis limit store was used after close() (${operation}); create a new store`,
    });
  }

  /** Runs a script; when Redis does not answer, marks it unavailable and returns `undefined`. */
  async function attempt(
    operation: LimitStoreOperation,
    script: LuaScript,
    args: readonly string[],
  ): Promise<{ reply: unknown } | undefined> {
    try {
      return { reply: await runner.run(script, args) };
    } catch (error) {
      if (!(error instanceof StoreUnreachable)) throw failure(operation, error);
      availability.markDown(error.message);
      return undefined;
    }
  }

  /** An operation that must not be lost: run now, or held until Redis answers again. */
  async function apply(
    kind: HeldOperation['kind'] & LimitStoreOperation,
    nowMs: number,
    run: (nowMs: number) => Promise<unknown>,
  ): Promise<void> {
    const held: HeldOperation = { kind, run: async (at) => void (await run(at)) };
    if (!availability.available) return availability.hold(held, nowMs);
    try {
      await run(nowMs);
    } catch (error) {
      if (!(error instanceof StoreUnreachable)) throw failure(kind, error);
      availability.markDown(error.message);
      availability.hold(held, nowMs);
    }
  }

  const release = (reservationId: string) => (nowMs: number) =>
    runner.run(LIMIT_SCRIPTS.release, [prefix, String(Math.ceil(nowMs)), reservationId]);

  // Epochs of reservations in flight, so a settle after the server lost its data still counts.
  const epochs = new ExpiringMap<string>(MAX_EPOCHS);

  /** Adds what was counted locally to the shared counters, once Redis answers. */
  async function reconcile(): Promise<void> {
    const operation = reconcileOperation();
    if (!operation) return;
    const nowMs = callerNow();
    if (!availability.available) return availability.hold(operation, nowMs);
    try {
      await operation.run(nowMs);
    } catch (error) {
      if (!(error instanceof StoreUnreachable)) throw failure('settle', error);
      availability.markDown(error.message);
      availability.hold(operation, nowMs);
    }
  }

  function whileUnavailable(request: LimitReserveRequest): LimitReserveResult {
    if (!fallback) throw failure('reserve', undefined);
    return fallback.reserve(request);
  }

  return {
    get available() {
      return availability.available;
    },

    get pending() {
      return availability.pending;
    },

    async reserve(request) {
      if (closed) throw closedError('reserve');
      sawNow(request.nowMs);
      if (!availability.available) return whileUnavailable(request);
      const answer = await attempt('reserve', LIMIT_SCRIPTS.reserve, reserveArgs(prefix, request));
      if (!answer) {
        // It may still reach Redis after we stopped waiting: release it then, so it holds nothing.
        await apply('release', request.nowMs, release(request.reservationId));
        return whileUnavailable(request);
      }
      const { result, totals, epoch } = readReserveReply(answer.reply, request);
      fallback?.remember(totals, request.nowMs);
      if (result.granted && totals.length > 0) {
        // Kept a while past the lease: a late settle still needs it.
        epochs.set(request.reservationId, epoch, request.expiresAtMs + EPOCH_GRACE_MS, request.nowMs);
      }
      return result;
    },

    async settle(request) {
      if (closed) throw closedError('settle');
      sawNow(request.nowMs);
      if (fallback?.holds(request.reservationId)) {
        fallback.settle(request);
        if (availability.available) await reconcile();
        return;
      }
      // A reservation counted in no window left nothing in Redis to settle.
      if (request.entries.length === 0) return;
      const epoch = epochs.get(request.reservationId, request.nowMs) ?? '';
      epochs.delete(request.reservationId);
      await apply('settle', request.nowMs, async (nowMs) => {
        const args = settleArgs(prefix, { ...request, nowMs }, epoch);
        if (Number(await runner.run(LIMIT_SCRIPTS.settle, args)) !== -1) return;
        // Its record was lost with the server's data: add what it used, once.
        const uses = settleUses(request);
        await runner.run(
          LIMIT_SCRIPTS.reconcile,
          reconcileArgs(prefix, nowMs, `settle:${request.reservationId}`, uses),
        );
      });
    },

    async release(request) {
      if (closed) throw closedError('release');
      sawNow(request.nowMs);
      if (fallback?.holds(request.reservationId)) return fallback.release(request);
      epochs.delete(request.reservationId);
      await apply('release', request.nowMs, release(request.reservationId));
    },

    async block(request) {
      if (closed) throw closedError('block');
      sawNow(request.nowMs);
      if (fallback && !availability.available) fallback.block(request);
      await apply('block', request.nowMs, (nowMs) =>
        runner.run(LIMIT_SCRIPTS.block, blockArgs(prefix, { ...request, nowMs })),
      );
    },

    async read(request) {
      if (closed) throw closedError('read');
      sawNow(request.nowMs);
      if (request.scopes?.length === 0) return { counters: [], blocks: [] };
      if (availability.available) {
        const answer = await attempt('read', LIMIT_SCRIPTS.read, readArgs(prefix, request));
        if (answer) return readReadReply(answer.reply);
      }
      if (!fallback) throw failure('read', undefined);
      return fallback.read(request);
    },

    async writeLimits(request) {
      if (closed) throw closedError('limits');
      let version = 0;
      await apply('limits', callerNow(), async (nowMs) => {
        version = Number(
          await runner.run(LIMIT_SCRIPTS.writeLimits, writeLimitsArgs(prefix, nowMs, request)),
        );
      });
      return version;
    },

    async readLimits() {
      if (closed) throw closedError('limits');
      if (availability.available) {
        const answer = await attempt('limits', LIMIT_SCRIPTS.readLimits, [prefix, String(callerNow())]);
        if (answer) return readLimitsReply(answer.reply);
      }
      // Meanwhile each process keeps the limits it has.
      if (!fallback) throw failure('limits', undefined);
      return [];
    },

    subscribe: (listener) => availability.subscribe(listener),

    async close() {
      if (closed) return;
      closed = true;
      await availability.stop();
    },
  };
}
