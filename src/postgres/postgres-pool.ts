/** One statement and its parameters, as `pg` takes it (`rowMode: 'array'` gives rows as arrays). */
export interface PostgresQuery {
  readonly text: string;
  readonly values?: unknown[];
  readonly rowMode?: 'array';
}

/** What a statement returned: its rows (objects, or arrays with `rowMode: 'array'`) and how many it touched. */
export interface PostgresQueryResult {
  readonly rows: unknown[];
  readonly rowCount: number | null;
}

/** A connection checked out of a pool, for statements that must run on one connection (a transaction). */
export interface PostgresClient {
  query(query: PostgresQuery): Promise<PostgresQueryResult>;
  /** Returns the connection to the pool; with an error, the pool discards it instead. */
  release(error?: Error | boolean): void;
}

/**
 * The part of a node-postgres (`pg`) `Pool` the PostgreSQL stores use: pass your `new Pool(...)`.
 * Declared here, so this package never loads `pg` itself and works with the `pg` version you have.
 * The stores never end the pool: it stays yours.
 *
 * Add `pool.on('error', ...)`: node-postgres emits `error` on the pool when an idle connection dies
 * (a server restart), and an `error` event without a listener ends the process.
 */
export interface PostgresPool {
  query(query: PostgresQuery): Promise<PostgresQueryResult>;
  connect(): Promise<PostgresClient>;
}
