/**
 * The two Redis commands the limit store needs, in one shape for every client. `evalsha` runs a
 * cached script by its SHA-1 and must reject with the server's `NOSCRIPT …` error when the server
 * does not have it; `eval` runs (and caches) the script's source. Both resolve with the script's
 * reply as the client decodes it (arrays, numbers, strings).
 *
 * Pass one as `adapter` for a client other than node-redis or ioredis.
 *
 * @example
 * const adapter: RedisScriptAdapter = {
 *   evalsha: (sha, keys, args) => myClient.send('EVALSHA', sha, keys.length, ...keys, ...args),
 *   eval: (script, keys, args) => myClient.send('EVAL', script, keys.length, ...keys, ...args),
 * };
 */
export interface RedisScriptAdapter {
  evalsha(sha: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

// Structural shapes of the two clients' public APIs, so neither library is imported (or needed
// for its types) by users of the other.
type AnyMethod = (...args: never[]) => unknown;

/** A node-redis (`redis` v5 or later) client or cluster: `createClient()` / `createCluster()`. */
export interface NodeRedisClientLike {
  evalSha: AnyMethod;
  eval: AnyMethod;
}

/** An ioredis `Redis` or `Cluster` instance. */
export interface IoRedisClientLike {
  evalsha: AnyMethod;
  eval: AnyMethod;
  defineCommand: AnyMethod;
}

type ScriptOptions = { keys: string[]; arguments: string[] };
type NodeRedisCalls = {
  evalSha(sha: string, options: ScriptOptions): Promise<unknown>;
  eval(script: string, options: ScriptOptions): Promise<unknown>;
};
type IoRedisCalls = {
  evalsha(sha: string, keyCount: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, keyCount: number, ...keysAndArgs: string[]): Promise<unknown>;
};

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** node-redis: `evalSha` / `eval` with `{ keys, arguments }`. */
export function isNodeRedisClient(client: unknown): client is NodeRedisClientLike {
  const candidate = client as Partial<Record<string, unknown>> | null;
  return typeof client === 'object' && client !== null && isFunction(candidate?.evalSha);
}

/** ioredis: `evalsha` / `eval` with the key count first, and `defineCommand`. */
export function isIoRedisClient(client: unknown): client is IoRedisClientLike {
  const candidate = client as Partial<Record<string, unknown>> | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    isFunction(candidate?.evalsha) &&
    isFunction(candidate?.eval) &&
    isFunction(candidate?.defineCommand)
  );
}

/** Whether `value` is a `RedisScriptAdapter` (both methods present). */
export function isRedisScriptAdapter(value: unknown): value is RedisScriptAdapter {
  const candidate = value as Partial<Record<string, unknown>> | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    isFunction(candidate?.evalsha) &&
    isFunction(candidate?.eval)
  );
}

/**
 * The adapter for a node-redis or ioredis client, told apart by their public methods
 * (node-redis has `evalSha`, ioredis `evalsha` and `defineCommand`). Returns `undefined` for
 * anything else.
 */
export function redisScriptAdapterOf(client: unknown): RedisScriptAdapter | undefined {
  if (isNodeRedisClient(client)) {
    const calls = client as unknown as NodeRedisCalls;
    return {
      evalsha: (sha, keys, args) => calls.evalSha(sha, { keys: [...keys], arguments: [...args] }),
      eval: (script, keys, args) => calls.eval(script, { keys: [...keys], arguments: [...args] }),
    };
  }
  if (isIoRedisClient(client)) {
    const calls = client as unknown as IoRedisCalls;
    return {
      evalsha: (sha, keys, args) => calls.evalsha(sha, keys.length, ...keys, ...args),
      eval: (script, keys, args) => calls.eval(script, keys.length, ...keys, ...args),
    };
  }
  return undefined;
}
