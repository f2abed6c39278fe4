import * as z from 'zod/mini';

/** Where the PostgreSQL stores keep their tables. */
export interface PostgresLocationSettings {
  /**
   * Schema of the tables; created when missing (then the role needs `CREATE` on the database).
   * Lower-case letters, digits and `_`, starting with a letter or `_`, at most 63 characters.
   * @default 'public'
   */
  readonly schema?: string;
  /**
   * Prefix of every table and index name, so several routers (or environments) can share a schema.
   * Lower-case letters, digits and `_`, starting with a letter or `_`, at most 30 characters; `''`
   * for none.
   * @default 'llm_router_'
   */
  readonly tablePrefix?: string;
}

/** The checked schema and prefix, and their quoted names. */
export interface PostgresTables {
  readonly schema: string;
  readonly prefix: string;
  /** The schema, quoted: `"public"`. */
  readonly quotedSchema: string;
  /** A table of this prefix, schema-qualified and quoted: `"public"."llm_router_usage_records"`. */
  table(name: string): string;
  /** An index or constraint name of this prefix, quoted, unqualified: `"llm_router_usage_started_at"`. */
  name(name: string): string;
  /** `schema.prefix`, for messages and the migration lock. */
  readonly label: string;
}

/** zod checks of `schema` and `tablePrefix`, shared by every PostgreSQL store's settings. */
export const postgresLocationSchema = {
  schema: z.optional(
    z.string().check(
      z.regex(
        /^[a-z_][a-z0-9_]{0,62}$/,
        'expected a schema name of lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)',
      ),
      z.refine((name) => !name.startsWith('pg_'), 'names starting with pg_ are reserved by PostgreSQL'),
    ),
  ),
  tablePrefix: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^([a-z_][a-z0-9_]{0,29})?$/,
          "expected a prefix of lower-case letters, digits and _, starting with a letter or _ (at most 30 characters), or ''",
        ),
      ),
  ),
};

/** Double-quotes an identifier (the names are checked first; quoting keeps them exact anyway). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The tables of a checked location (`schema` and `tablePrefix` already passed `postgresLocationSchema`). */
export function postgresTables(location: {
  readonly schema?: string | undefined;
  readonly tablePrefix?: string | undefined;
}): PostgresTables {
  const schema = location.schema ?? 'public';
  const prefix = location.tablePrefix ?? 'llm_router_';
  const quotedSchema = quoteIdentifier(schema);
  return {
    schema,
    prefix,
    quotedSchema,
    table: (name) => `${quotedSchema}.${quoteIdentifier(prefix + name)}`,
    name: (name) => quoteIdentifier(prefix + name),
    label: `${schema}.${prefix}`,
  };
}
