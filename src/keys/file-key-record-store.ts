import { readFile } from 'node:fs/promises';
import type { KeyRecord } from '../types/key-record.ts';
import {
  byCreation,
  type KeyRecordFilter,
  type KeyRecordStore,
  matchesKeyRecordFilter,
} from '../types/key-record-store.ts';
import { KeyVaultError } from './key-vault-error.ts';
import { removeStaleTempFiles, writeFileAtomic } from './write-file-atomic.ts';

const FORMAT = 'llm-router-key-records';
const VERSION = 1;

/** Settings of `createFileKeyRecordStore()`. */
export interface FileKeyRecordStoreSettings {
  /** The JSON file. Created on the first write (mode 0600); its directory must exist. */
  readonly path: string;
  /**
   * fsync the file and its directory on every write, so a power loss cannot undo an acknowledged
   * write. Turn off only for tests.
   * @default true
   */
  readonly durable?: boolean;
}

interface FileContents {
  readonly format: typeof FORMAT;
  readonly version: typeof VERSION;
  readonly records: readonly KeyRecord[];
}

function storeError(message: string, cause?: unknown): KeyVaultError {
  return new KeyVaultError({ kind: 'store', message, cause });
}

function parse(path: string, text: string): Map<string, KeyRecord> {
  let contents: Partial<FileContents>;
  try {
    contents = JSON.parse(text) as Partial<FileContents>;
  } catch {
    throw storeError(`The key record file ${path} is not valid JSON; restore it from a backup.`);
  }
  if (contents?.format !== FORMAT || contents.version !== VERSION || !Array.isArray(contents.records)) {
    throw storeError(`The key record file ${path} is not a version ${VERSION} key record file.`);
  }
  const records = new Map<string, KeyRecord>();
  for (const record of contents.records) {
    if (typeof record?.id !== 'string' || typeof record.ciphertext !== 'string') {
      throw storeError(`The key record file ${path} holds a record without an id or ciphertext.`);
    }
    records.set(record.id, record);
  }
  return records;
}

/**
 * Keeps key records in one JSON file on this machine. Every write replaces the whole file
 * atomically (temporary file, fsync, rename, fsync of the directory), so a crash mid-write leaves
 * the previous state readable, never a truncated file. One process should own the file: writes
 * are serialised within the process, not across processes.
 *
 * @example
 * const store = createFileKeyRecordStore({ path: './data/keys.json' });
 */
export function createFileKeyRecordStore(settings: FileKeyRecordStoreSettings): KeyRecordStore {
  if (typeof settings?.path !== 'string' || settings.path.length === 0) {
    throw new TypeError('createFileKeyRecordStore(): pass `path`, the JSON file to keep key records in.');
  }
  const { path } = settings;
  const durable = settings.durable ?? true;
  let state: Map<string, KeyRecord> | undefined;
  let loading: Promise<Map<string, KeyRecord>> | undefined;
  let writes: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Map<string, KeyRecord>> {
    if (state) return state;
    loading ??= (async () => {
      await removeStaleTempFiles(path);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return new Map<string, KeyRecord>();
        throw storeError(`Could not read the key record file ${path}.`, error);
      }
      return parse(path, text);
    })().then(
      (loaded) => {
        state = loaded;
        return loaded;
      },
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  }

  /** Applies `change` to a copy, writes it, and only then makes it the state. One at a time. */
  function mutate<T>(change: (records: Map<string, KeyRecord>) => T): Promise<T> {
    const run = writes.then(async () => {
      const next = new Map(await load());
      const result = change(next);
      const contents: FileContents = {
        format: FORMAT,
        version: VERSION,
        records: [...next.values()].sort(byCreation),
      };
      try {
        await writeFileAtomic(path, `${JSON.stringify(contents, null, 1)}\n`, { durable });
      } catch (error) {
        throw storeError(`Could not write the key record file ${path}.`, error);
      }
      state = next;
      return result;
    });
    writes = run.catch(() => {});
    return run;
  }

  return {
    async get(id: string) {
      const record = (await load()).get(id);
      return record ? structuredClone(record) : undefined;
    },
    async list(filter?: KeyRecordFilter) {
      return [...(await load()).values()]
        .filter((record) => matchesKeyRecordFilter(record, filter))
        .sort(byCreation)
        .map((record) => structuredClone(record));
    },
    put(record: KeyRecord) {
      const copy = structuredClone(record);
      return mutate((records) => void records.set(copy.id, copy));
    },
    putMany(batch: readonly KeyRecord[]) {
      const copies = batch.map((record) => structuredClone(record));
      return mutate((records) => {
        for (const record of copies) records.set(record.id, record);
      });
    },
    async delete(id: string) {
      if (!(await load()).has(id)) return false;
      return mutate((records) => records.delete(id));
    },
  };
}
