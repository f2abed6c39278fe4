import { afterAll, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { KeyRecordConflictError } from '../../src/keys/key-record-conflict-error.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import {
  createPostgresKeyRecordStore,
  type PostgresKeyRecordStoreSettings,
} from '../../src/postgres/create-postgres-key-record-store.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';
import { describeWithServices } from '../helpers/services.ts';
import { describeKeyRecordStoreContract, record } from '../keys/key-record-store.contract.ts';
import { createTestPool, dropSchema, uniqueSchema } from './postgres-test-database.ts';

const describePostgres = await describeWithServices(['postgres']);
const pool = createTestPool();
const schema = uniqueSchema('keys');
let prefixes = 0;
afterAll(async () => {
  if (describePostgres !== describePostgres.skip) await dropSchema(pool, schema);
  await pool.end();
});

const store = (tablePrefix = `k${prefixes++}_`) =>
  createPostgresKeyRecordStore({ pool, schema, tablePrefix });

describePostgres('PostgreSQL key record store', () => {
  describeKeyRecordStoreContract('postgres', async () => store());

  it('rejects settings it cannot use, naming each', () => {
    const issues = (settings: unknown) => {
      try {
        createPostgresKeyRecordStore(settings as PostgresKeyRecordStoreSettings);
      } catch (error) {
        expect(InvalidSettingsError.isInstance(error)).toBe(true);
        return (error as InvalidSettingsError).issues.map((issue) => issue.setting);
      }
      throw new Error('expected a throw');
    };
    expect(issues({ schema: 'keys' })).toEqual(['pool']);
    expect(issues({ pool, schema: 'Keys' })).toEqual(['schema']);
    expect(issues({ pool, tablePrefix: 'x"' })).toEqual(['tablePrefix']);
  });

  it('keeps fields added to the record format later, and shows every write to another process at once', async () => {
    const tablePrefix = `k${prefixes++}_`;
    const writer = store(tablePrefix);
    const reader = createPostgresKeyRecordStore({ pool: createTestPool({ max: 1 }), schema, tablePrefix });
    const sealed = {
      ...record({ id: 'key_sealed', label: 'team', lastCheck: { status: 'valid', at: 5 } }),
      seal: 'v1.abcdef',
      binding: { keyId: 'key_sealed', version: 2 },
    } as KeyRecord;
    await writer.put(sealed);
    expect(await reader.get('key_sealed')).toEqual(sealed);
    await writer.put({ ...sealed, status: 'disabled' });
    expect((await reader.list({ status: 'disabled' })).map((entry) => entry.id)).toEqual(['key_sealed']);
    expect(await reader.list({ status: 'active' })).toEqual([]);
    expect(await reader.delete('key_sealed')).toBe(true);
    expect(await writer.get('key_sealed')).toBeUndefined();
  });

  it('put(record, expected) writes only over the record as it was read, whoever changed it since', async () => {
    const tablePrefix = `k${prefixes++}_`;
    const mine = store(tablePrefix);
    const theirs = store(tablePrefix); // another process, as far as versions go
    await mine.put(record({ id: 'key_1' }));
    const read = (await mine.get('key_1')) as KeyRecord;
    const readByThem = (await theirs.get('key_1')) as KeyRecord;
    await theirs.put({ ...readByThem, status: 'disabled', reason: 'theirs' }, readByThem);
    const refused = await mine
      .put({ ...read, status: 'active', label: 'mine' }, read)
      .catch((error) => error);
    expect(KeyRecordConflictError.isInstance(refused) && refused.isRetryable).toBe(true);
    expect((refused as KeyRecordConflictError).keyId).toBe('key_1');
    expect(await mine.get('key_1')).toMatchObject({ status: 'disabled', reason: 'theirs' });
    // Read again and redo: written.
    const again = (await mine.get('key_1')) as KeyRecord;
    await mine.put({ ...again, label: 'mine' }, again);
    expect(await theirs.get('key_1')).toMatchObject({ status: 'disabled', reason: 'theirs', label: 'mine' });
    // A record this store did not hand out is compared by content.
    const copy = structuredClone((await mine.get('key_1')) as KeyRecord);
    await theirs.put({ ...copy, label: 'by content' }, copy);
    expect((await mine.get('key_1'))?.label).toBe('by content');
    expect(
      KeyRecordConflictError.isInstance(await theirs.put({ ...copy, label: 'stale' }, copy).catch((e) => e)),
    ).toBe(true);
    // Removed meanwhile: refused too, not re-created.
    const last = (await mine.get('key_1')) as KeyRecord;
    await theirs.delete('key_1');
    expect(
      KeyRecordConflictError.isInstance(await mine.put({ ...last, label: 'x' }, last).catch((e) => e)),
    ).toBe(true);
    expect(await mine.get('key_1')).toBeUndefined();
  });

  it('a vault whose write another process beat reads the key again and redoes its change, once', async () => {
    const tablePrefix = `k${prefixes++}_`;
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    const clock = createFakeClock();
    const validator = { validate: async () => ({ status: 'valid' as const }) };
    const theirs = createKeyVault({ cipher, store: store(tablePrefix), validator, clock, logger: false });
    // This process's store, as is; just before its next compare-and-set write, the other process
    // revalidates the key (so the write is refused by PostgreSQL's version check).
    const mine = store(tablePrefix);
    let interleave: (() => Promise<unknown>) | undefined;
    let writes = 0;
    const racing: KeyRecordStore = {
      get: (id) => mine.get(id),
      list: (filter) => mine.list(filter),
      putMany: (records) => mine.putMany(records),
      delete: (id) => mine.delete(id),
      async put(record, expected) {
        if (expected !== undefined) writes++;
        const other = interleave;
        interleave = undefined;
        await other?.();
        return mine.put(record, expected);
      },
    };
    const vault = createKeyVault({ cipher, store: racing, validator, clock, logger: false });
    const { id } = await vault.add({ provider: 'openai', user: 'ada', apiKey: 'sk-test-0123456789abcdef' });
    await clock.advance(1_000);
    interleave = () => theirs.revalidate(id);
    const disabled = await vault.disable(id, 'mine');
    expect(writes).toBe(2);
    expect(disabled).toMatchObject({ status: 'disabled', reason: 'mine', lastCheck: { at: clock.now() } });
    expect(await theirs.get(id)).toEqual(disabled);
    // The record is sealed as both processes left it: enable() checks and reactivates it.
    expect((await theirs.enable(id)).key.status).toBe('active');
  });

  it('puts many in one statement: the last of a repeated id wins, and a bad record writes none', async () => {
    const keys = store();
    await keys.putMany([
      record({ id: 'key_a', label: 'first' }),
      record({ id: 'key_b' }),
      record({ id: 'key_a', label: 'last' }),
    ]);
    expect((await keys.list()).map((entry) => [entry.id, entry.label])).toEqual([
      ['key_a', 'last'],
      ['key_b', undefined],
    ]);
    const bad = await keys
      .putMany([
        record({ id: 'key_c' }),
        { ...record({ id: 'key_d' }), ciphertext: undefined } as unknown as KeyRecord,
      ])
      .catch((error) => error);
    expect(bad).toMatchObject({ name: 'KeyVaultError', kind: 'invalid-input' });
    expect(await keys.get('key_c')).toBeUndefined();
  });

  it('a vault on it adds, disables, revalidates and resolves keys', async () => {
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    const vault = createKeyVault({
      cipher,
      store: store(),
      validator: { validate: async () => ({ status: 'valid' }) },
      logger: false,
    });
    const added = await vault.add({ provider: 'openai', user: 'ada', apiKey: 'sk-test-0123456789abcdef' });
    await vault.disable(added.id, 'rotating');
    expect((await vault.revalidate(added.id)).key).toMatchObject({ status: 'disabled', reason: 'rotating' });
    expect(await vault.resolve({ user: 'ada', provider: 'openai' })).toBeUndefined();
    expect((await vault.enable(added.id)).key.status).toBe('active');
    const resolved = await vault.resolve({ user: 'ada', provider: 'openai' });
    expect(resolved?.apiKey.reveal()).toBe('sk-test-0123456789abcdef');
  });
});
