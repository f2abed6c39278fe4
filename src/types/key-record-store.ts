import type { KeyRecord, KeyStatus } from './key-record.ts';
import type { ProviderId } from './model.ts';

/** Which records to list; every given field must match. */
export interface KeyRecordFilter {
  readonly provider?: ProviderId;
  readonly user?: string;
  readonly status?: KeyStatus;
}

/**
 * Where the vault keeps key records (ciphertext and metadata, never a key in the clear). Writes
 * must be durable once their promise resolves, and a crash must never leave a half-written state.
 * The vault serialises its own writes; a store need not handle concurrent writers from other
 * processes unless it says so (the PostgreSQL store does, through `put(record, expected)`).
 */
export interface KeyRecordStore {
  get(id: string): Promise<KeyRecord | undefined>;
  /** Records matching `filter`, oldest first. */
  list(filter?: KeyRecordFilter): Promise<readonly KeyRecord[]>;
  /**
   * Inserts or replaces the record with the same id. `expected`, when given, is the record (as read
   * from this store) that `record` was computed from: a store shared by several processes then
   * writes only if the stored record is still that one, and otherwise throws
   * `KeyRecordConflictError` without writing, so no process overwrites a change it has not seen
   * (the vault then reads the record again and redoes its change, once). A store used by one
   * process (the vault serialises its own writes), such as the memory and file stores, may ignore it.
   */
  put(record: KeyRecord, expected?: KeyRecord): Promise<void>;
  /** Inserts or replaces several records at once: all of them or none (used by cipher rotation). */
  putMany(records: readonly KeyRecord[]): Promise<void>;
  /** Removes a record; resolves `false` when there was none. */
  delete(id: string): Promise<boolean>;
}

/** True when `record` matches every field given in `filter`. */
export function matchesKeyRecordFilter(record: KeyRecord, filter: KeyRecordFilter = {}): boolean {
  return (
    (filter.provider === undefined || record.provider === filter.provider) &&
    (filter.user === undefined || record.user === filter.user) &&
    (filter.status === undefined || record.status === filter.status)
  );
}

/** Sorts records oldest first, by creation time then id, so listings are stable. */
export function byCreation(a: KeyRecord, b: KeyRecord): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
