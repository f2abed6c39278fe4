import { isConnectionError } from './is-connection-error.ts';
import type { PostgresClient, PostgresPool } from './postgres-pool.ts';

/** How long to wait for a second connection before reading on one. */
const SECOND_CONNECTION_MS = 100;

/**
 * Runs `work` in a read-only repeatable-read transaction, so every statement sees one snapshot of
 * the tables while other processes write. With `parallel`, a second connection joins the same
 * snapshot (`pg_export_snapshot` / `SET TRANSACTION SNAPSHOT`) so two statements can run at once;
 * if the pool has no connection free within 100 ms, `work` gets one client and runs them in turn.
 * `workMem` is set for these transactions only (`SET LOCAL work_mem`), and JIT compilation is off.
 */
export async function readInSnapshot<T>(
  pool: PostgresPool,
  options: { readonly parallel: boolean; readonly workMem: string },
  work: (main: PostgresClient, second: PostgresClient | undefined) => Promise<T>,
): Promise<T> {
  // JIT off: compiling these aggregations took longer than running them (seconds on a busy server).
  const begin = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL work_mem = '${options.workMem}'; SET LOCAL jit = off`;
  const clients: PostgresClient[] = [];
  let failure: unknown;
  try {
    const main = await pool.connect();
    clients.push(main);
    await main.query({ text: begin });
    let second: PostgresClient | undefined;
    if (options.parallel) {
      const snapshot = String(
        ((await main.query({ text: 'SELECT pg_export_snapshot() AS id' })).rows[0] as { id: string }).id,
      );
      second = await connectSoon(pool);
      if (second) {
        clients.push(second);
        // The id is PostgreSQL's own (hex digits and dashes); SET takes no parameters.
        if (!/^[0-9A-Fa-f-]+$/.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
        await second.query({ text: `${begin}; SET TRANSACTION SNAPSHOT '${snapshot}'` });
      }
    }
    const result = await work(main, second);
    for (const client of clients) await client.query({ text: 'COMMIT' });
    return result;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    for (const client of clients) {
      if (failure !== undefined && !isConnectionError(failure))
        await client.query({ text: 'ROLLBACK' }).catch(() => {});
      client.release(failure !== undefined && isConnectionError(failure) ? (failure as Error) : false);
    }
  }
}

/** A connection if the pool has one within SECOND_CONNECTION_MS; a later one goes straight back. */
async function connectSoon(pool: PostgresPool): Promise<PostgresClient | undefined> {
  const pending = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), SECOND_CONNECTION_MS);
  });
  try {
    const client = await Promise.race([pending, late]);
    if (client === undefined)
      pending.then(
        (slow) => slow.release(),
        () => {},
      );
    return client;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
