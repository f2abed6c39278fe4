import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DATABASE_URL } from '../helpers/services.ts';

/**
 * A pool on the test database (DATABASE_URL). Idle connections that die (a terminated backend, a
 * restart) are reported on the pool's `error` event; a test pool ignores them, as an application
 * would log them.
 */
export function createTestPool(options: { url?: string; max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: options.url ?? DATABASE_URL, max: options.max ?? 4 });
  pool.on('error', () => {});
  return pool;
}

/** A schema name of its own for a test file, so tests running at once (and other engineers') never collide. */
export function uniqueSchema(label: string): string {
  return `llmr_test_${label}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
