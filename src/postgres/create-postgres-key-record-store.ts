import * as z from 'zod/mini';
import { checkSettings, hasMethods } from '../errors/check-settings.ts';
import type { RouterError } from '../errors/router-error.ts';
import { KeyRecordConflictError } from '../keys/key-record-conflict-error.ts';
import { KeyVaultError } from '../keys/key-vault-error.ts';
import type { KeyRecord } from '../types/key-record.ts';
import { byCreation, type KeyRecordFilter, type KeyRecordStore } from '../types/key-record-store.ts';
import { isConnectionError } from './is-connection-error.ts';
import { KEY_RECORD_SCHEMA } from './key-record-schema.ts';
import { migratePostgresSchema, PostgresSchemaConflict } from './migrate-postgres-schema.ts';
import type { PostgresPool } from './postgres-pool.ts';
import { type PostgresLocationSettings, postgresLocationSchema, postgresTables } from './postgres-tables.ts';

/** What `createPostgresKeyRecordStore()` takes. */
export interface PostgresKeyRecordStoreSettings extends PostgresLocationSettings {
  /** Your node-postgres `Pool` (`new Pool({ connectionString })`). The store never ends it. */
  readonly pool: PostgresPool;
}

/** A key record store in PostgreSQL, shared by every process that points at the same tables. */
export interface PostgresKeyRecordStore extends KeyRecordStore {
  /** The records table, `schema.prefix` + `key_records`. */
  readonly table: string;
  /**
   * Inserts or replaces the record with the same id. With `expected` (the record, as this store
   * returned it, that `record` was computed from), it writes only if the stored record has not
   * changed since, in any process.
   * @throws KeyRecordConflictError when it has (or was removed): nothing was written; read it again and redo the change.
   */
  put(record: KeyRecord, expected?: KeyRecord): Promise<void>;
}

const settingsSchema = z.strictObject({
  pool: z.custom<PostgresPool>(hasMethods('query', 'connect'), {
    message: 'expected a node-postgres Pool (query() and connect()), e.g. new Pool({ connectionString })',
  }),
  ...postgresLocationSchema,
});

// Upserts a batch of records given as one JSON array; every write bumps the row's version.
const COLUMNS_FROM_JSON = `value->>'id', value->>'provider', value->>'user', value->>'status', (value->>'createdAt')::float8`;

/**
 * Keeps BYOK key records (ciphertext and metadata, never a key in the clear) in PostgreSQL, through
 * a `pg` pool you pass, so every process of an application sees the same keys: one process adds a
 * key, disables or revalidates it, and the others see it at once.
 *
 * Each record is one row: the whole record as JSON (so fields a newer version of the vault adds are
 * kept), plus its provider, user, status and creation time as columns for `list()`. Every write
 * bumps the row's `version`; `put(record, expected)` writes only if the version is still the one
 * `expected` was read at (compare-and-set), which is how the vault's disable and revalidate avoid
 * overwriting another process's change. `putMany()` is one statement: all records or none.
 *
 * The table (`<tablePrefix>key_records` in `schema`) is created on first use, under an advisory
 * lock, like the usage tracker's.
 *
 * @throws InvalidSettingsError when `pool`, `schema` or `tablePrefix` is not usable.
 *
 * @example
 * import { Pool } from 'pg';
 * import { createPostgresKeyRecordStore } from '@bestviable/llm-router/postgres';
 *
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 * const vault = createKeyVault({ cipher, validator, store: createPostgresKeyRecordStore({ pool }) });
 */
export function createPostgresKeyRecordStore(
  settings: PostgresKeyRecordStoreSettings,
): PostgresKeyRecordStore {
  const checked = checkSettings(settingsSchema, settings, 'createPostgresKeyRecordStore');
  const { pool } = checked;
  const tables = postgresTables(checked);
  const table = tables.table('key_records');
  const label = `${tables.label}key_records`;
  /** The version each record object this store handed out was read at. */
  const versions = new WeakMap<object, number>();
  let schema: Promise<void> | undefined;

  function ensureSchema(): Promise<void> {
    schema ??= migratePostgresSchema(pool, tables, KEY_RECORD_SCHEMA).catch((error: unknown) => {
      schema = undefined;
      throw storeError('prepare', error);
    });
    return schema;
  }

  function storeError(action: string, error: unknown, keyId?: string): RouterError {
    if (error instanceof PostgresSchemaConflict) {
      const { problem } = error;
      return new KeyVaultError({
        kind: 'store',
        message:
          problem.kind === 'newer'
            ? `The key record tables ${label} are at schema version ${problem.version}, written by a newer @bestviable/llm-router; this version reads up to ${problem.latest}. Upgrade the package.`
            : `A table named ${label} already exists and was not created by this package; it was left untouched. Pass another schema or tablePrefix.`,
      });
    }
    if (KeyVaultError.isInstance(error) || KeyRecordConflictError.isInstance(error))
      return error as KeyVaultError;
    const detail = error instanceof Error ? error.message : String(error);
    return new KeyVaultError({
      kind: 'store',
      keyId,
      cause: error,
      message: `Could not ${action} key records in ${label}: ${detail}.${isConnectionError(error) ? ' PostgreSQL is unreachable; retry.' : ''}`,
    });
  }

  async function run<T>(action: string, keyId: string | undefined, work: () => Promise<T>): Promise<T> {
    try {
      await ensureSchema();
      return await work();
    } catch (error) {
      throw storeError(action, error, keyId);
    }
  }

  /** A row's record, remembered with the version it was read at. */
  function toRecord(row: { version: string; record: KeyRecord }): KeyRecord {
    const record = row.record;
    versions.set(record, Number(row.version));
    return record;
  }

  function checkRecord(record: KeyRecord): string {
    if (typeof record?.id !== 'string' || record.id === '' || typeof record.ciphertext !== 'string') {
      throw new KeyVaultError({
        kind: 'invalid-input',
        message: 'A key record needs a non-empty string id and a ciphertext; nothing was written.',
      });
    }
    return JSON.stringify(record);
  }

  function conflict(id: string): KeyRecordConflictError {
    return new KeyRecordConflictError({
      keyId: id,
      message: `Key record ${id} was changed or removed by another process after it was read; nothing was written. Read it again and redo the change.`,
    });
  }

  return {
    table: label,
    get: (id) =>
      run('read', id, async () => {
        const result = await pool.query({
          text: `SELECT version, record FROM ${table} WHERE id = $1`,
          values: [id],
        });
        const row = result.rows[0] as { version: string; record: KeyRecord } | undefined;
        return row ? toRecord(row) : undefined;
      }),
    list: (filter: KeyRecordFilter = {}) =>
      run('list', undefined, async () => {
        const conditions: string[] = [];
        const values: unknown[] = [];
        for (const [column, value] of [
          ['provider', filter.provider],
          ['user_id', filter.user],
          ['status', filter.status],
        ] as const) {
          if (value === undefined) continue;
          values.push(value);
          conditions.push(`${column} = $${values.length}`);
        }
        const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
        const result = await pool.query({ text: `SELECT version, record FROM ${table}${where}`, values });
        return (result.rows as { version: string; record: KeyRecord }[]).map(toRecord).sort(byCreation);
      }),
    async put(record, expected) {
      const json = checkRecord(record);
      return run('write', record.id, async () => {
        if (expected === undefined) {
          await pool.query({
            text: `INSERT INTO ${table} (id, provider, user_id, status, created_at, version, record) SELECT ${COLUMNS_FROM_JSON}, 1, value FROM (SELECT $1::jsonb AS value) AS given ON CONFLICT (id) DO UPDATE SET provider = EXCLUDED.provider, user_id = EXCLUDED.user_id, status = EXCLUDED.status, created_at = EXCLUDED.created_at, version = ${table}.version + 1, record = EXCLUDED.record, written_at = now()`,
            values: [json],
          });
          return;
        }
        // Compare-and-set: the version `expected` was read at, or (for a record this store did
        // not hand out) its exact content.
        const version = versions.get(expected);
        const guard = version === undefined ? 'record = $3::jsonb' : 'version = $3';
        const result = await pool.query({
          text: `UPDATE ${table} SET provider = value->>'provider', user_id = value->>'user', status = value->>'status', created_at = (value->>'createdAt')::float8, version = version + 1, record = value, written_at = now() FROM (SELECT $2::jsonb AS value) AS given WHERE id = $1 AND ${guard}`,
          values: [record.id, json, version ?? JSON.stringify(expected)],
        });
        if (result.rowCount !== 1) throw conflict(record.id);
      });
    },
    async putMany(records) {
      // The last of records sharing an id wins, as with put() one after the other.
      const byId = new Map<string, string>();
      for (const record of records) byId.set(record.id, checkRecord(record));
      if (byId.size === 0) return;
      return run('write', undefined, async () => {
        await pool.query({
          text: `INSERT INTO ${table} (id, provider, user_id, status, created_at, version, record) SELECT ${COLUMNS_FROM_JSON}, 1, value FROM jsonb_array_elements($1::jsonb) ON CONFLICT (id) DO UPDATE SET provider = EXCLUDED.provider, user_id = EXCLUDED.user_id, status = EXCLUDED.status, created_at = EXCLUDED.created_at, version = ${table}.version + 1, record = EXCLUDED.record, written_at = now()`,
          values: [`[${[...byId.values()].join(',')}]`],
        });
      });
    },
    delete: (id) =>
      run('delete', id, async () => {
        const result = await pool.query({ text: `DELETE FROM ${table} WHERE id = $1`, values: [id] });
        return result.rowCount === 1;
      }),
  };
}
