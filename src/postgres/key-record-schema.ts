import type { PostgresSchemaPart } from './migrate-postgres-schema.ts';
import type { PostgresTables } from './postgres-tables.ts';

/**
 * The key records' tables, by version. Version 1: `<prefix>key_records`, one row per key record.
 *
 * - `record` is the whole `KeyRecord` as JSON, so fields added to the format later (a seal, a
 *   binding) are kept and read back without a migration. Never a key in the clear: a record holds
 *   only its ciphertext.
 * - `provider`, `user_id`, `status` and `created_at` repeat the record's fields for filtering and
 *   ordering; they are written from the record on every write.
 * - `version` goes up by one on every write: a write computed from an older read is refused
 *   (compare-and-set), so two processes never overwrite each other's change unseen.
 */
function createKeyRecords(tables: PostgresTables): string {
  const table = tables.table('key_records');
  return `
CREATE TABLE ${table} (
  id text NOT NULL,
  provider text NOT NULL,
  user_id text NOT NULL,
  status text NOT NULL,
  created_at double precision NOT NULL,
  version bigint NOT NULL,
  record jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ${tables.name('key_records_pkey')} PRIMARY KEY (id)
);
CREATE INDEX ${tables.name('key_records_user_provider')} ON ${table} (user_id, provider);
`;
}

/** The key records' part of the schema (`component` `keys` in `<prefix>schema_versions`). */
export const KEY_RECORD_SCHEMA: PostgresSchemaPart = {
  component: 'keys',
  migrations: [createKeyRecords],
};
