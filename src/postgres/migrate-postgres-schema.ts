import { isConnectionError } from './is-connection-error.ts';
import type { PostgresClient, PostgresPool } from './postgres-pool.ts';
import type { PostgresTables } from './postgres-tables.ts';

/** One part's schema history: `migrations[i]` takes the part from version `i` to `i + 1`. */
export interface PostgresSchemaPart {
  /** The part's row in `<prefix>schema_versions`, e.g. `usage`. */
  readonly component: string;
  /** SQL per version, run in order inside one transaction; it receives the tables to name. */
  readonly migrations: readonly ((tables: PostgresTables) => string)[];
}

/** Why a schema could not be brought up to date. */
export type PostgresSchemaProblem =
  | { readonly kind: 'newer'; readonly version: number; readonly latest: number }
  | { readonly kind: 'taken'; readonly cause: unknown };

/** Thrown by `migratePostgresSchema()` for a problem retrying cannot fix; stores turn it into their own error. */
export class PostgresSchemaConflict extends Error {
  readonly problem: PostgresSchemaProblem;

  constructor(problem: PostgresSchemaProblem) {
    super(problem.kind === 'newer' ? `schema version ${problem.version}` : 'table name taken');
    this.name = 'PostgresSchemaConflict';
    this.problem = problem;
  }
}

// First key of the migration lock: "LLMR". The second is a hash of schema and prefix, so stores in
// other schemas or with other prefixes never wait for each other.
const LOCK_CLASS = 0x4c4c4d52;
const UNDEFINED_TABLE = '42P01';
const INVALID_SCHEMA_NAME = '3F000';
const DUPLICATE_TABLE = '42P07';

/**
 * Brings one part's tables to its latest version. Most starts find it current with one read. Else,
 * in one transaction holding `pg_advisory_xact_lock` on the location, it creates the schema and the
 * `<prefix>schema_versions` table when missing, runs each missing migration and records the version:
 * processes starting at once wait for each other, and a failure leaves nothing half-done.
 *
 * @throws PostgresSchemaConflict when the tables were written by a newer version of this package,
 * or a table name is already taken by another program's table; any error of the connection as is.
 */
export async function migratePostgresSchema(
  pool: PostgresPool,
  tables: PostgresTables,
  part: PostgresSchemaPart,
): Promise<void> {
  const latest = part.migrations.length;
  const versions = tables.table('schema_versions');
  const current = await readVersion(pool, versions, part.component);
  if (current !== undefined && current >= latest) {
    if (current > latest) throw new PostgresSchemaConflict({ kind: 'newer', version: current, latest });
    return;
  }
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query({ text: 'BEGIN' });
    try {
      await migrate(client, tables, part, versions);
      await client.query({ text: 'COMMIT' });
    } catch (error) {
      await client.query({ text: 'ROLLBACK' }).catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      if ((error as { code?: unknown }).code === DUPLICATE_TABLE)
        throw new PostgresSchemaConflict({ kind: 'taken', cause: error });
      throw error;
    }
  } catch (error) {
    broken ??= isConnectionError(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    client.release(broken ?? false);
  }
}

async function migrate(
  client: PostgresClient,
  tables: PostgresTables,
  part: PostgresSchemaPart,
  versions: string,
): Promise<void> {
  await client.query({
    text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
    values: [LOCK_CLASS, tables.label],
  });
  const schema = await client.query({
    text: 'SELECT 1 FROM pg_namespace WHERE nspname = $1',
    values: [tables.schema],
  });
  // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the CREATE right even when it exists.
  if (schema.rows.length === 0) await client.query({ text: `CREATE SCHEMA ${tables.quotedSchema}` });
  await client.query({
    text: `CREATE TABLE IF NOT EXISTS ${versions} (component text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`,
  });
  const result = await client.query({
    text: `SELECT version FROM ${versions} WHERE component = $1`,
    values: [part.component],
  });
  const current = result.rows.length === 0 ? 0 : Number((result.rows[0] as { version: number }).version);
  const latest = part.migrations.length;
  if (current > latest) throw new PostgresSchemaConflict({ kind: 'newer', version: current, latest });
  for (let version = current; version < latest; version++) {
    await client.query({ text: (part.migrations[version] as (tables: PostgresTables) => string)(tables) });
  }
  if (current < latest) {
    await client.query({
      text: `INSERT INTO ${versions} (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, migrated_at = now()`,
      values: [part.component, latest],
    });
  }
}

async function readVersion(
  pool: PostgresPool,
  versions: string,
  component: string,
): Promise<number | undefined> {
  try {
    const result = await pool.query({
      text: `SELECT version FROM ${versions} WHERE component = $1`,
      values: [component],
    });
    return result.rows.length === 0 ? undefined : Number((result.rows[0] as { version: number }).version);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === UNDEFINED_TABLE || code === INVALID_SCHEMA_NAME) return undefined;
    throw error;
  }
}
