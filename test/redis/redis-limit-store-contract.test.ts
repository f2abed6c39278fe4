import { afterAll, beforeAll } from 'vitest';
import { createRedisLimitStore } from '../../src/redis/create-redis-limit-store.ts';
import { describeWithServices } from '../helpers/services.ts';
import { describeLimitStoreContract } from '../limits/limit-store-contract.ts';
import { type ClientKind, connectTestClient, type TestClient, uniquePrefix } from './redis-test-clients.ts';

const describeRedis = await describeWithServices(['redis']);

for (const kind of ['node-redis', 'ioredis'] as const satisfies readonly ClientKind[]) {
  describeRedis(`Redis limit store through ${kind}`, () => {
    const prefix = uniquePrefix(`contract-${kind}`);
    let connection: TestClient;
    let stores = 0;

    beforeAll(async () => {
      connection = await connectTestClient(kind);
    });

    afterAll(async () => {
      await connection.clean(`{${prefix}*`);
      await connection.close();
    });

    // A fresh key prefix per store: every contract test starts from an empty store.
    describeLimitStoreContract(`redis (${kind})`, () =>
      createRedisLimitStore({ client: connection.client, keyPrefix: `${prefix}:${stores++}` }),
    );
  });
}
