// @bestviable/llm-router/redis: limits on Redis for many processes. Neither `redis` nor `ioredis`
// is imported here: the store takes the client you already have.

export {
  LimitStoreError,
  type LimitStoreErrorReason,
  type LimitStoreOperation,
} from '../limits/limit-store-error.ts';
export {
  createRedisLimitStore,
  type RedisLimitStore,
} from './create-redis-limit-store.ts';
export type { RedisLimitStoreSettings, RedisUnavailablePolicy } from './redis-limit-store-settings.ts';
export {
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisScriptAdapter,
  redisScriptAdapterOf,
} from './redis-script-adapter.ts';
