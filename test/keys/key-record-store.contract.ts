import { describe, expect, it } from 'vitest';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';

/** A record with the given overrides; ciphertext is an opaque string here. */
export function record(overrides: Partial<KeyRecord> & { id: string }): KeyRecord {
  return {
    provider: 'openai',
    user: 'alice',
    last4: 'abcd',
    status: 'active',
    createdAt: 1_000,
    updatedAt: 1_000,
    cipher: 'test',
    ciphertext: `ct-${overrides.id}`,
    // Every field must survive a round trip, the seal included (the vault refuses a record without it).
    seal: `s1.seal-of-${overrides.id}`,
    ...overrides,
  };
}

/**
 * What every `KeyRecordStore` must do. Run against each implementation so none drifts
 * (hono's common.case pattern).
 */
export function describeKeyRecordStoreContract(name: string, open: () => Promise<KeyRecordStore>): void {
  describe(`${name}: KeyRecordStore contract`, () => {
    it('puts, gets and replaces by id', async () => {
      const store = await open();
      expect(await store.get('key_1')).toBeUndefined();
      await store.put(record({ id: 'key_1' }));
      expect(await store.get('key_1')).toEqual(record({ id: 'key_1' }));
      await store.put(record({ id: 'key_1', status: 'disabled', reason: 'invalid' }));
      expect((await store.get('key_1'))?.status).toBe('disabled');
      expect(await store.list()).toHaveLength(1);
    });

    it('lists oldest first, filtered by provider, user and status together', async () => {
      const store = await open();
      await store.put(record({ id: 'key_c', createdAt: 3 }));
      await store.put(record({ id: 'key_a', createdAt: 1, user: 'bob' }));
      await store.put(record({ id: 'key_b', createdAt: 2, provider: 'mistral', status: 'unverified' }));
      await store.put(record({ id: 'key_d', createdAt: 3, status: 'disabled' }));
      expect((await store.list()).map((entry) => entry.id)).toEqual(['key_a', 'key_b', 'key_c', 'key_d']);
      expect((await store.list({ user: 'alice' })).map((entry) => entry.id)).toEqual([
        'key_b',
        'key_c',
        'key_d',
      ]);
      expect((await store.list({ user: 'alice', provider: 'openai' })).map((entry) => entry.id)).toEqual([
        'key_c',
        'key_d',
      ]);
      expect(
        (await store.list({ user: 'alice', provider: 'openai', status: 'active' })).map((entry) => entry.id),
      ).toEqual(['key_c']);
      expect(await store.list({ user: 'carol' })).toEqual([]);
    });

    it('put(record, expected) with the record as read writes it (a shared store compares; others may ignore it)', async () => {
      const store = await open();
      await store.put(record({ id: 'key_1' }));
      const read = (await store.get('key_1')) as KeyRecord;
      await store.put({ ...read, status: 'disabled', reason: 'by caller' }, read);
      expect(await store.get('key_1')).toEqual({ ...read, status: 'disabled', reason: 'by caller' });
      const again = (await store.get('key_1')) as KeyRecord;
      await store.put({ ...again, label: 'work' }, again);
      expect((await store.get('key_1'))?.label).toBe('work');
    });

    it('puts many at once', async () => {
      const store = await open();
      await store.put(record({ id: 'key_1', ciphertext: 'old' }));
      await store.putMany([record({ id: 'key_1', ciphertext: 'new' }), record({ id: 'key_2' })]);
      expect((await store.get('key_1'))?.ciphertext).toBe('new');
      expect(await store.list()).toHaveLength(2);
    });

    it('deletes, telling whether there was a record', async () => {
      const store = await open();
      await store.put(record({ id: 'key_1' }));
      expect(await store.delete('key_1')).toBe(true);
      expect(await store.delete('key_1')).toBe(false);
      expect(await store.get('key_1')).toBeUndefined();
    });

    it('hands out copies: mutating a returned or given object changes nothing stored', async () => {
      const store = await open();
      const given = record({ id: 'key_1' }) as { -readonly [K in keyof KeyRecord]: KeyRecord[K] };
      await store.put(given);
      given.user = 'mallory';
      const got = (await store.get('key_1')) as { user: string };
      got.user = 'mallory';
      const listed = (await store.list())[0] as { user: string };
      listed.user = 'mallory';
      expect((await store.get('key_1'))?.user).toBe('alice');
    });

    it('keeps every write of a concurrent burst', async () => {
      const store = await open();
      await Promise.all(
        Array.from({ length: 25 }, (_, index) => store.put(record({ id: `key_${index}`, createdAt: index }))),
      );
      expect(await store.list()).toHaveLength(25);
    });
  });
}
