import type { KeyRecordStore, UsageTracker } from '@bestviable/llm-router';
import type { CliIo } from '../cli-io.ts';
import { CliUsageError } from '../cli-usage-error.ts';
import type { OptionSpecs } from '../command.ts';
import type { Flags } from '../flags.ts';

/** `--pg-schema` and `--pg-table-prefix`, for the PostgreSQL key store and ledger. */
export const POSTGRES_OPTIONS: OptionSpecs = {
  'pg-schema': {
    type: 'string',
    placeholder: '<name>',
    description: 'PostgreSQL schema of the tables. Default public.',
  },
  'pg-table-prefix': {
    type: 'string',
    placeholder: '<prefix>',
    description: 'Prefix of the PostgreSQL table names. Default llm_router_.',
  },
};

/** A node-postgres pool, as far as the CLI uses it. */
interface Pool {
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What the CLI takes from `@bestviable/llm-router/postgres` (its public API). */
interface PostgresSubpath {
  createPostgresKeyRecordStore(settings: {
    pool: Pool;
    schema?: string;
    tablePrefix?: string;
  }): KeyRecordStore;
  createPostgresUsageTracker(settings: {
    pool: Pool;
    schema?: string;
    tablePrefix?: string;
    logger?: false;
  }): UsageTracker;
}

/** The PostgreSQL stores of the package over one pool; `close()` ends the pool. */
export interface PostgresConnection {
  readonly subpath: PostgresSubpath;
  readonly pool: Pool;
  /** `schema` and `tablePrefix` from the flags. */
  readonly location: { schema?: string; tablePrefix?: string };
  close(): Promise<void>;
}

const SUBPATH = '@bestviable/llm-router/postgres';

/** Imports a module by a name held in a variable, so the bundler leaves it to run time. */
async function importOptional(name: string): Promise<unknown> {
  return import(name);
}

function unavailable(command: string, what: string, error: unknown): CliUsageError {
  const code = (error as { code?: unknown } | undefined)?.code;
  return new CliUsageError({
    command,
    message: `PostgreSQL stores need ${what}${typeof code === 'string' ? ` (${code})` : ''}: install it next to @bestviable/llm-router (npm install pg), or use a file store / SQLite ledger.`,
  });
}

/**
 * Opens a pool on `connection` (a `postgres://` URL, or `undefined` for libpq's PGHOST, PGUSER,
 * PGPASSWORD, PGDATABASE and ~/.pgpass) and loads the package's PostgreSQL stores, both by dynamic
 * import: `pg` is an optional peer dependency and only this path needs it. A password written in
 * the URL is registered as a secret (never printed) and draws a warning: the command line is
 * visible to other users of the machine.
 */
export async function connectPostgres(
  io: CliIo,
  flags: Flags,
  connection: string | undefined,
  source: { readonly flag: string; readonly fromEnv: boolean },
): Promise<PostgresConnection> {
  if (connection !== undefined) {
    io.addSecret(connection);
    let password = '';
    try {
      password = decodeURIComponent(new URL(connection).password);
    } catch {
      throw new CliUsageError({
        command: flags.command,
        message: `${flags.label(source.flag)}: not a valid postgres:// URL (it is not repeated here: it may hold a password).`,
      });
    }
    if (password !== '') {
      io.addSecret(password);
      if (!source.fromEnv)
        io.err(
          `llm-router: warning: --${source.flag} holds a password, which other users of this machine can read (ps) and your shell history keeps; set PGPASSWORD or use ~/.pgpass instead.\n`,
        );
    }
  }
  let subpath: PostgresSubpath;
  try {
    subpath = (await importOptional(SUBPATH)) as PostgresSubpath;
  } catch (error) {
    throw unavailable(flags.command, `the ${SUBPATH} entry point of this package`, error);
  }
  let pg: { Pool: new (config: { connectionString?: string; max: number }) => Pool };
  try {
    const loaded = (await importOptional('pg')) as { default?: typeof pg } & Partial<typeof pg>;
    pg = loaded.default ?? (loaded as typeof pg);
  } catch (error) {
    throw unavailable(flags.command, 'the pg package (node-postgres)', error);
  }
  const pool = new pg.Pool({ ...(connection === undefined ? {} : { connectionString: connection }), max: 4 });
  // An idle client's error would otherwise crash the process; the next query reports it.
  pool.on('error', () => {});
  const schema = flags.string('pg-schema');
  const tablePrefix = flags.string('pg-table-prefix');
  return {
    subpath,
    pool,
    location: {
      ...(schema === undefined ? {} : { schema }),
      ...(tablePrefix === undefined ? {} : { tablePrefix }),
    },
    close: () => pool.end(),
  };
}

/** `postgres://…`, `postgresql://…`, or `postgres:` alone (connection from PG* variables). */
export function postgresConnectionOf(value: string): string | undefined | false {
  if (value === 'postgres:' || value === 'postgresql:') return undefined;
  if (/^postgres(?:ql)?:\/\//.test(value)) return value;
  return false;
}
