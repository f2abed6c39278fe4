import { KeyRecordConflictError } from './key-record-conflict-error.ts';

/**
 * Runs a read-modify-write of one key record (`write` reads the record, computes the change and
 * writes it with `put(next, read)`), and once more when a store shared by several processes refused
 * the write because another process changed the record after it was read: the second run reads the
 * record as it is now and applies the change to it. A second conflict in a row is thrown
 * (`KeyRecordConflictError`, retryable): the record is changing faster than it can be written.
 */
export async function retryOnConflict<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!KeyRecordConflictError.isInstance(error)) throw error;
    return write();
  }
}
