import * as z from 'zod/mini';
import { hasMethods, whole } from '../errors/check-settings.ts';
import {
  type IoRedisClientLike,
  isIoRedisClient,
  isNodeRedisClient,
  type NodeRedisClientLike,
  type RedisScriptAdapter,
} from './redis-script-adapter.ts';

/**
 * What the store does while Redis does not answer within `timeoutMs`:
 * - `'refuse'`: `reserve()` and `read()` throw `LimitStoreError` (reason `unavailable`), so the
 *   router skips every candidate that has limits rather than spend past a budget blind.
 * - `'allow-local'`: calls are counted in this process, from the shared totals it last saw, and
 *   that use is added to the shared counters when Redis answers again. Limits hold per process
 *   meanwhile: each process may admit what was left of a window when it last saw it.
 *
 * Either way, settles, releases and upstream blocks are kept and applied when Redis answers again.
 */
export type RedisUnavailablePolicy = 'refuse' | 'allow-local';

/** What `createRedisLimitStore()` takes: `client` or `adapter`, and the optional settings. */
export interface RedisLimitStoreSettings {
  /**
   * The client you already have: node-redis (`createClient()` / `createCluster()` from `redis`,
   * v5 or later) or ioredis (`new Redis()` / `new Cluster()`), connected or connecting. The store
   * only runs `EVALSHA` and `EVAL` on it and never closes it. Give `client` or `adapter`, not both.
   */
  readonly client?: NodeRedisClientLike | IoRedisClientLike;
  /** Any other client, as `{ evalsha, eval }` (see `RedisScriptAdapter`). */
  readonly adapter?: RedisScriptAdapter;
  /**
   * Prefix of every key, also the Redis Cluster hash tag: keys are `{<keyPrefix>}:…`, so all of a
   * store's keys are in one slot. Give each application (or test run) its own. No `{` or `}`.
   * @default 'llm-router:limits'
   */
  readonly keyPrefix?: string;
  /**
   * Longest wait for one store call, from sending it to its reply (including a `NOSCRIPT` reload).
   * Past it, Redis counts as unavailable and `onUnavailable` applies.
   * @default 1_000
   */
  readonly timeoutMs?: number;
  /** See `RedisUnavailablePolicy`. @default 'refuse' */
  readonly onUnavailable?: RedisUnavailablePolicy;
  /**
   * While Redis is unavailable, how often one cheap script checks whether it answers again (in
   * the background; the timer does not keep the process alive).
   * @default 1_000
   */
  readonly retryIntervalMs?: number;
}

const clientSchema = z.custom<NodeRedisClientLike | IoRedisClientLike>(
  (value) => isNodeRedisClient(value) || isIoRedisClient(value),
  {
    message:
      'expected a node-redis client (createClient() from "redis") or an ioredis client (new Redis()); for any other client pass `adapter: { evalsha, eval }`',
  },
);

const adapterSchema = z.custom<RedisScriptAdapter>(hasMethods('evalsha', 'eval'), {
  message: 'expected { evalsha(sha, keys, args), eval(script, keys, args) }, each returning a promise',
});

/** Checks `RedisLimitStoreSettings` once, in the factory. */
export const redisLimitStoreSettingsSchema = z
  .strictObject({
    client: z.optional(clientSchema),
    adapter: z.optional(adapterSchema),
    keyPrefix: z.optional(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(200),
          z.regex(/^[^{}]+$/, 'expected no { or }: the prefix becomes the hash tag {<keyPrefix>}'),
        ),
    ),
    timeoutMs: z.optional(
      z.number().check(whole('expected a whole number of milliseconds'), z.minimum(1), z.maximum(600_000)),
    ),
    onUnavailable: z.optional(z.enum(['refuse', 'allow-local'])),
    retryIntervalMs: z.optional(
      z.number().check(whole('expected a whole number of milliseconds'), z.minimum(1), z.maximum(3_600_000)),
    ),
  })
  .check(
    z.superRefine((settings, context) => {
      if ((settings.client === undefined) === (settings.adapter === undefined)) {
        context.addIssue({
          code: 'custom',
          path: [settings.client === undefined ? 'client' : 'adapter'],
          message:
            settings.client === undefined
              ? 'expected `client` (a node-redis or ioredis client) or `adapter` ({ evalsha, eval })'
              : 'give `client` or `adapter`, not both',
        });
      }
    }),
  );
