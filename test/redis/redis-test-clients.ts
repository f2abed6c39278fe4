import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { IoRedisClientLike, NodeRedisClientLike } from '../../src/redis/redis-script-adapter.ts';
import { REDIS_URL } from '../helpers/services.ts';

/** The two clients the store supports, each connected to the test Redis. */
export type ClientKind = 'node-redis' | 'ioredis';

export interface TestClient {
  readonly kind: ClientKind;
  /** Typed as the store takes it: this also checks that both real clients fit its settings. */
  readonly client: NodeRedisClientLike | IoRedisClientLike;
  /** Every key under `pattern` (SCAN), for checks and cleanup. */
  keys(pattern: string): Promise<string[]>;
  /** Deletes every key under `pattern`. */
  clean(pattern: string): Promise<void>;
  close(): Promise<void>;
}

export async function connectTestClient(kind: ClientKind, url = REDIS_URL): Promise<TestClient> {
  if (kind === 'node-redis') {
    const client = createClient({ url });
    client.on('error', () => {});
    await client.connect();
    const keys = async (pattern: string) => {
      const found: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: pattern, COUNT: 500 })) found.push(...batch);
      return found;
    };
    return {
      kind,
      client,
      keys,
      async clean(pattern) {
        const found = await keys(pattern);
        if (found.length > 0) await client.del(found);
      },
      async close() {
        client.destroy();
      },
    };
  }
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await client.connect();
  const keys = async (pattern: string) => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  };
  return {
    kind,
    client,
    keys,
    async clean(pattern) {
      const found = await keys(pattern);
      if (found.length > 0) await client.del(...found);
    },
    async close() {
      client.disconnect();
    },
  };
}

/** A key prefix no other test run (or engineer) uses; its keys match `{<prefix>*`. */
export function uniquePrefix(name: string): string {
  return `llm-router-test:${name}:${randomUUID()}`;
}
