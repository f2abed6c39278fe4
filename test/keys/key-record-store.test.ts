import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createFileKeyRecordStore } from '../../src/keys/file-key-record-store.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { describeKeyRecordStoreContract } from './key-record-store.contract.ts';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describeKeyRecordStoreContract('memory', async () => createMemoryKeyRecordStore());

describeKeyRecordStoreContract('file', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'key-store-'));
  directories.push(directory);
  return createFileKeyRecordStore({ path: join(directory, 'keys.json'), durable: false });
});

describeKeyRecordStoreContract('file (reopened after every write)', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'key-store-'));
  directories.push(directory);
  const path = join(directory, 'keys.json');
  // Every read goes through a fresh instance, so only what reached the disk counts.
  const writer = createFileKeyRecordStore({ path });
  return {
    get: (id) => createFileKeyRecordStore({ path }).get(id),
    list: (filter) => createFileKeyRecordStore({ path }).list(filter),
    put: (record) => writer.put(record),
    putMany: (records) => writer.putMany(records),
    delete: (id) => writer.delete(id),
  };
});
