import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { UsageStoreError } from './usage-store-error.ts';
import {
  CREATE_USAGE_SCHEMA,
  MIGRATE_USAGE_SCHEMA_1_TO_2,
  MIGRATE_USAGE_SCHEMA_2_TO_3,
  USAGE_STORE_APPLICATION_ID,
  USAGE_STORE_SCHEMA_VERSION,
} from './usage-table.ts';

type SqliteModule = typeof import('node:sqlite');

/** How `openUsageDatabase()` sets up the connection. */
export interface OpenUsageDatabaseOptions {
  /** How long a write waits for another process's lock before failing. */
  readonly busyTimeoutMs: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
// SQLITE_CORRUPT and SQLITE_NOTADB primary result codes.
const CORRUPT_CODES = new Set([11, 26]);

/**
 * Opens (creating when missing or empty) the usage store at `path`, in WAL mode with a busy
 * timeout so several processes can write to it.
 *
 * A file that is not ours is never written: the 100-byte SQLite header is read with plain `fs`
 * first (magic string and `application_id`), and a file without our id is then inspected through a
 * read-only connection. Only a file carrying our id, or an empty database, is opened for writing.
 *
 * @throws UsageStoreError `corrupt`, `foreign`, `unsupported-version` or `unavailable`.
 */
export function openUsageDatabase(path: string, options: OpenUsageDatabaseOptions): DatabaseSync {
  const sqlite = loadSqlite(path);
  const applicationId = readApplicationId(path);
  if (applicationId !== undefined && applicationId !== USAGE_STORE_APPLICATION_ID) {
    if (applicationId !== 0) throw foreign(path, `its application_id is 0x${applicationId.toString(16)}`);
    // No id: another program's database, or an empty one (ours being created by another process).
    inspectReadOnly(sqlite, path, options.busyTimeoutMs);
  }
  let database: DatabaseSync;
  try {
    database = new sqlite.DatabaseSync(path);
  } catch (error) {
    throw toStoreError(path, error, 'unavailable');
  }
  try {
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
    initialize(database, path);
    switchToWal(database, options.busyTimeoutMs);
    // FULL: every committed batch is fsynced to the WAL, so a batch written is a batch kept.
    database.exec('PRAGMA synchronous = FULL');
    // Call ids are random, so each insert dirties a random index page; checkpointing every ~40 MB of
    // WAL instead of every ~4 MB writes a page back once for many batches (about twice the throughput).
    database.exec('PRAGMA wal_autocheckpoint = 10000');
    return database;
  } catch (error) {
    database.close();
    throw toStoreError(path, error, 'unavailable');
  }
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

/**
 * Switches the file to WAL mode. Switching needs an exclusive lock, and SQLite does not call the
 * busy handler for it when another connection is reading, so two processes opening a new store at
 * the same moment can get "database is locked" at once: retried every few ms for up to
 * `busyTimeoutMs`, like any other lock wait. A file already in WAL mode returns at once.
 */
function switchToWal(database: DatabaseSync, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      database.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { errcode?: unknown }).errcode;
      const busy =
        typeof code === 'number' && ((code & 0xff) === SQLITE_BUSY || (code & 0xff) === SQLITE_LOCKED);
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 5); // opening is synchronous: a short blocking pause between tries
    }
  }
}

function loadSqlite(path: string): SqliteModule {
  let sqlite: SqliteModule | undefined;
  try {
    // Loaded here, not imported at the top, so importing the package never needs node:sqlite.
    sqlite = process.getBuiltinModule('node:sqlite');
  } catch (error) {
    throw unavailableSqlite(path, error);
  }
  if (!sqlite) throw unavailableSqlite(path, undefined);
  return sqlite;
}

function unavailableSqlite(path: string, cause: unknown): UsageStoreError {
  return new UsageStoreError({
    reason: 'unavailable',
    path,
    cause,
    message: `The SQLite usage store needs the built-in node:sqlite module (Node 22.13 or newer); this is Node ${process.versions.node}. Upgrade Node, or pass another UsageTracker.`,
  });
}

/** The header's application_id; `undefined` for a missing or empty file (a new store). */
function readApplicationId(path: string): number | undefined {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  const header = Buffer.alloc(100);
  let read = 0;
  try {
    const descriptor = openSync(path, 'r');
    try {
      read = readSync(descriptor, header, 0, header.length, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch (error) {
    throw toStoreError(path, error, 'unavailable');
  }
  if (read < header.length || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new UsageStoreError({
      reason: 'corrupt',
      path,
      message: `${path} is not a SQLite database (bad header), so it cannot be a usage store. The file was left untouched; move it away or pass another path.`,
    });
  }
  return header.readUInt32BE(68);
}

function inspectReadOnly(sqlite: SqliteModule, path: string, busyTimeoutMs: number): void {
  let database: DatabaseSync | undefined;
  try {
    database = new sqlite.DatabaseSync(path, { readOnly: true });
    // Another process may be creating the store right now; wait for its lock like a writer would.
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    const { objects } = database.prepare('SELECT count(*) AS objects FROM sqlite_master').get() as {
      objects: number;
    };
    if (objects > 0) throw foreign(path, 'it has tables but no usage-store application_id');
  } catch (error) {
    throw toStoreError(path, error, 'unavailable');
  } finally {
    database?.close();
  }
}

/** Checks or creates the schema inside one write transaction, so two processes creating it race safely. */
function initialize(database: DatabaseSync, path: string): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    const applicationId = pragma(database, 'application_id');
    const version = pragma(database, 'user_version');
    if (applicationId === USAGE_STORE_APPLICATION_ID) {
      if (version > USAGE_STORE_SCHEMA_VERSION) {
        throw new UsageStoreError({
          reason: 'unsupported-version',
          path,
          message: `${path} is a usage store of schema version ${version}, written by a newer @bestviable/llm-router; this version reads up to ${USAGE_STORE_SCHEMA_VERSION}. Upgrade the package or pass another path.`,
        });
      }
      // Schema 1 is rebuilt straight into the current table; schema 2 gains its `extra` column.
      if (version === 1) database.exec(MIGRATE_USAGE_SCHEMA_1_TO_2);
      if (version === 2) database.exec(MIGRATE_USAGE_SCHEMA_2_TO_3);
      if (version < USAGE_STORE_SCHEMA_VERSION)
        database.exec(`PRAGMA user_version = ${USAGE_STORE_SCHEMA_VERSION}`);
    } else {
      const { objects } = database.prepare('SELECT count(*) AS objects FROM sqlite_master').get() as {
        objects: number;
      };
      if (applicationId !== 0 || objects > 0) throw foreign(path, 'it has no usage-store application_id');
      database.exec(`PRAGMA application_id = ${USAGE_STORE_APPLICATION_ID}`);
      database.exec(`PRAGMA user_version = ${USAGE_STORE_SCHEMA_VERSION}`);
      database.exec(CREATE_USAGE_SCHEMA);
    }
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}

function pragma(database: DatabaseSync, name: 'application_id' | 'user_version'): number {
  const row = database.prepare(`PRAGMA ${name}`).get() as Record<string, number>;
  return Number(row[name]);
}

function foreign(path: string, why: string): UsageStoreError {
  return new UsageStoreError({
    reason: 'foreign',
    path,
    message: `${path} is a SQLite database of another program (${why}), not a usage store of @bestviable/llm-router. The file was left untouched; pass a path of its own to the usage store.`,
  });
}

function toStoreError(path: string, error: unknown, fallback: 'corrupt' | 'unavailable'): UsageStoreError {
  if (UsageStoreError.isInstance(error)) return error;
  const code = (error as { errcode?: unknown }).errcode;
  const corrupt = typeof code === 'number' && CORRUPT_CODES.has(code & 0xff);
  const reason = corrupt ? 'corrupt' : fallback;
  const detail = error instanceof Error ? error.message : String(error);
  return new UsageStoreError({
    reason,
    path,
    cause: error,
    message:
      reason === 'corrupt'
        ? `${path} is a damaged SQLite database (${detail}). The file was left untouched; restore it from a backup or pass another path.`
        : `Cannot open the usage store ${path}: ${detail}. Check the path and its permissions.`,
  });
}
