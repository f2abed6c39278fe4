import type { KeyRecord } from '../types/key-record.ts';
import {
  byCreation,
  type KeyRecordFilter,
  type KeyRecordStore,
  matchesKeyRecordFilter,
} from '../types/key-record-store.ts';

/**
 * Keeps key records in this process's memory: for tests and short-lived processes. Records are
 * copied in and out, so callers cannot change what is stored by mutating an object.
 *
 * @example
 * const vault = createKeyVault({ cipher, store: createMemoryKeyRecordStore(), validator });
 */
export function createMemoryKeyRecordStore(initial: readonly KeyRecord[] = []): KeyRecordStore {
  const records = new Map<string, KeyRecord>();
  for (const record of initial) records.set(record.id, structuredClone(record));

  return {
    async get(id: string) {
      const record = records.get(id);
      return record ? structuredClone(record) : undefined;
    },
    async list(filter?: KeyRecordFilter) {
      return [...records.values()]
        .filter((record) => matchesKeyRecordFilter(record, filter))
        .sort(byCreation)
        .map((record) => structuredClone(record));
    },
    async put(record: KeyRecord) {
      records.set(record.id, structuredClone(record));
    },
    async putMany(batch: readonly KeyRecord[]) {
      const copies = batch.map((record) => structuredClone(record));
      for (const record of copies) records.set(record.id, record);
    },
    async delete(id: string) {
      return records.delete(id);
    },
  };
}
