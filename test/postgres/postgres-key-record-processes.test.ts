import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createPostgresKeyRecordStore } from '../../src/postgres/create-postgres-key-record-store.ts';
import { DATABASE_URL, describeWithServices } from '../helpers/services.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('key_processes');
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

interface WorkerResult {
  /** Operations refused because the other process changed the key since it was read (then redone). */
  readonly conflicts: number;
  /** Times a process's own last change was gone: what compare-and-set prevents. */
  readonly lostUpdates: number;
  readonly lastCheckAt: Record<string, number>;
}

function worker(args: string[]) {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'fixtures', 'key-vault-worker.ts'), DATABASE_URL, schema, ...args],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const done = new Promise<WorkerResult>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output.trim())) : reject(new Error(`key worker exited with ${code}`)),
    );
  });
  return { go: () => child.stdin.end('go\n'), done };
}

describePostgres('BYOK key records shared by several processes', () => {
  it('two processes adding, disabling and revalidating the same keys at once lose no update', async () => {
    const masterKey = generateMasterKey();
    const vault = createKeyVault({
      cipher: createLocalCipher({ masterKey }),
      store: createPostgresKeyRecordStore({ pool, schema }),
      validator: { validate: async () => ({ status: 'valid' }) },
      logger: false,
    });
    const shared: string[] = [];
    for (let index = 0; index < 6; index++) {
      shared.push(
        (await vault.add({ provider: 'openai', user: 'team', apiKey: `sk-shared-${index}-0123456789abcdef` }))
          .id,
      );
    }
    const rounds = 25;
    const disabler = worker([masterKey, 'disable', shared.join(','), String(rounds), '15']);
    const revalidator = worker([masterKey, 'revalidate', shared.join(','), String(rounds), '15']);
    disabler.go();
    revalidator.go();
    const [disabled, revalidated] = await Promise.all([disabler.done, revalidator.done]);
    // Each process found its own last change still in place before every operation.
    expect([disabled.lostUpdates, revalidated.lostUpdates]).toEqual([0, 0]);

    for (const id of shared) {
      const key = await vault.get(id);
      // The disabler's last disable is kept (a revalidation never undoes a caller's disable)...
      expect(key, id).toMatchObject({
        status: 'disabled',
        disabledBy: 'caller',
        reason: `round ${rounds - 1}`,
      });
      // ...and so is the revalidator's last check (no disable computed from an older read erased it).
      expect(key?.lastCheck?.at, id).toBe(revalidated.lastCheckAt[id]);
    }
    expect(await vault.list({ user: 'disable-owner' })).toHaveLength(15);
    expect(await vault.list({ user: 'revalidate-owner' })).toHaveLength(15);
    expect(await vault.list()).toHaveLength(36);
  }, 120_000);
});
