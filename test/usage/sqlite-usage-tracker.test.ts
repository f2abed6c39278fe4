import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { RouterError } from '../../src/errors/router-error.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { UsageRecord } from '../../src/types/usage-record.ts';
import { createSqliteUsageTracker } from '../../src/usage/sqlite-usage-tracker.ts';
import { UsageStoreError } from '../../src/usage/usage-store-error.ts';
import { generateRecords, seededRandom, usageRecord, withoutNanos } from './generate-records.ts';

let directory: string;
let path: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'usage-sqlite-'));
  path = join(directory, 'usage.sqlite');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** Rows in the file, read through a connection of its own (what another process would see). */
function storedCallIds(file = path): string[] {
  const database = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = database.prepare('SELECT call_id FROM usage_records ORDER BY rowid').all();
    return rows.map((row) => String(row.call_id));
  } finally {
    database.close();
  }
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

describe('createSqliteUsageTracker: persistence', () => {
  it('keeps records across close and reopen, unchanged', () => {
    const records = generateRecords(120, 3).map(withoutNanos);
    const first = createSqliteUsageTracker({ path });
    for (const record of records) first.record(record);
    first.close();

    const reopened = createSqliteUsageTracker({ path });
    expect(reopened.query()).toEqual(records);
    // Exactly once also holds against what an earlier process stored.
    for (const record of records.slice(0, 10)) reopened.record(record);
    reopened.record(usageRecord({ callId: 'after-restart' }));
    reopened.close();
    expect(storedCallIds()).toEqual([...records.map((record) => record.callId), 'after-restart']);
  });

  it('stores the exact cost as integer nano-dollars beside the float', () => {
    const tracker = createSqliteUsageTracker({ path });
    tracker.record(usageRecord({ callId: 'a', costUsd: 0.1 + 0.2 }));
    tracker.close();
    const database = new DatabaseSync(path, { readOnly: true });
    const row = database.prepare('SELECT cost_usd, cost_nano_usd FROM usage_records').get();
    database.close();
    expect(row).toEqual({ cost_usd: 0.1 + 0.2, cost_nano_usd: 300_000_000 });
  });

  it('marks the file as a usage store (application_id, schema version) and uses WAL', () => {
    createSqliteUsageTracker({ path }).close();
    const header = readFileSync(path).subarray(0, 100);
    expect(header.readUInt32BE(68)).toBe(0x4c4c4d52);
    expect(header.readUInt32BE(60)).toBe(3);
    expect(header[18]).toBe(2); // file format write version 2 = WAL
  });
});

describe('createSqliteUsageTracker: one record per call, keyed by id', () => {
  it('keeps two calls that share a caller-chosen call id; a repeated record() of one is a no-op', () => {
    const tracker = createSqliteUsageTracker({ path });
    const first = usageRecord({ callId: 'shared', id: 'record-1', costUsd: 0.001 });
    const second = usageRecord({ callId: 'shared', id: 'record-2', costUsd: 0.002 });
    tracker.record(first);
    tracker.record(second);
    tracker.record(first);
    expect(tracker.query()).toEqual([first, second]);
    tracker.close();
  });

  it('migrates a schema 1 store (call_id as the key): every row kept, its call id as its id', () => {
    // A store as version 1 wrote it.
    const database = new DatabaseSync(path);
    database.exec(`PRAGMA journal_mode = WAL; PRAGMA application_id = ${0x4c4c4d52}; PRAGMA user_version = 1;
CREATE TABLE usage_records (call_id TEXT PRIMARY KEY NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,
  user TEXT, key_id TEXT, provider TEXT, model TEXT, gateway TEXT, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, cost_nano_usd INTEGER NOT NULL, cost_source TEXT NOT NULL,
  latency_ms REAL NOT NULL, time_to_first_token_ms REAL, attempts INTEGER NOT NULL, fallback INTEGER NOT NULL, tags TEXT NOT NULL,
  status TEXT NOT NULL, error_kind TEXT, stream INTEGER NOT NULL);
CREATE INDEX usage_records_started_at ON usage_records (started_at);
INSERT INTO usage_records VALUES ('old-1', 1777636800000, 1777636800500, 'ada', 'gateway:litellm', 'openai',
  'openai/gpt-5.4-mini', 'litellm', 100, 20, 0, 0.000165, 165000, 'gateway', 500, NULL, 1, 0, '["a"]', 'ok', NULL, 0);`);
    database.close();

    const tracker = createSqliteUsageTracker({ path });
    expect(tracker.query()).toEqual([
      usageRecord({
        callId: 'old-1',
        id: 'old-1',
        startedAt: 1777636800000,
        finishedAt: 1777636800500,
        tags: ['a'],
      }),
    ]);
    tracker.record(usageRecord({ callId: 'old-1', id: 'new-1' }));
    tracker.close();
    expect(storedCallIds()).toEqual(['old-1', 'old-1']);
    expect(readFileSync(path).subarray(0, 100).readUInt32BE(60)).toBe(3);
  });
});

describe('createSqliteUsageTracker: fields without a column', () => {
  it('keeps byokFallback (and any field added later) through close and reopen', () => {
    const first = createSqliteUsageTracker({ path });
    const paidByOrganisation = {
      ...usageRecord({ callId: 'fallback', id: 'r-1' }),
      byokFallback: { keyId: 'key_abc', reason: 'integrity' as const },
    };
    const plain = usageRecord({ callId: 'plain', id: 'r-2' });
    first.record(paidByOrganisation);
    first.record(plain);
    first.close();
    const reopened = createSqliteUsageTracker({ path });
    expect(reopened.query()).toEqual([paidByOrganisation, plain]);
    reopened.close();
  });

  it('refuses a record whose extra field is not JSON data, at record()', () => {
    const tracker = createSqliteUsageTracker({ path });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const error = thrown(() =>
      tracker.record({ ...usageRecord({ callId: 'bad' }), byokFallback: cyclic } as unknown as UsageRecord),
    );
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('invalid-record');
    tracker.close();
  });

  it('migrates a schema 2 store: rows kept, extra fields stored from then on', () => {
    const before = createSqliteUsageTracker({ path });
    before.record(usageRecord({ callId: 'old', id: 'old' }));
    before.close();
    // Back to what schema 2 was: no extra column.
    const database = new DatabaseSync(path);
    database.exec('ALTER TABLE usage_records DROP COLUMN extra; PRAGMA user_version = 2;');
    database.close();
    const tracker = createSqliteUsageTracker({ path });
    const next = {
      ...usageRecord({ callId: 'new', id: 'new' }),
      byokFallback: { reason: 'unavailable' as const },
    };
    tracker.record(next);
    expect(tracker.query()).toEqual([usageRecord({ callId: 'old', id: 'old' }), next]);
    tracker.close();
    expect(readFileSync(path).subarray(0, 100).readUInt32BE(60)).toBe(3);
  });
});

describe('createSqliteUsageTracker: batching', () => {
  it('writes on a full batch, on the background interval of the clock, and on close', async () => {
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path, batchSize: 3, flushIntervalMs: 1_000, clock });

    tracker.record(usageRecord({ callId: 'a' }));
    tracker.record(usageRecord({ callId: 'b' }));
    expect(tracker.pending).toBe(2);
    expect(storedCallIds()).toEqual([]);
    expect(clock.timers()).toMatchObject([{ delayMs: 1_000, background: true }]);

    await clock.advance(999);
    expect(storedCallIds()).toEqual([]);
    await clock.advance(1);
    expect(storedCallIds()).toEqual(['a', 'b']);
    expect(tracker.pending).toBe(0);
    expect(clock.timers()).toEqual([]);

    tracker.record(usageRecord({ callId: 'c' }));
    tracker.record(usageRecord({ callId: 'd' }));
    tracker.record(usageRecord({ callId: 'e' })); // third of the batch: written on the next turn, not in record()
    expect(storedCallIds()).toEqual(['a', 'b']);
    expect(clock.timers()).toMatchObject([{ delayMs: 0, background: true }]); // replaced the interval
    await clock.advance(0);
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(clock.timers()).toEqual([]);

    tracker.record(usageRecord({ callId: 'f' }));
    expect(storedCallIds()).toHaveLength(5);
    tracker.close();
    // Durable: the last connection checkpointed the WAL into the database file and removed it.
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(clock.timers()).toEqual([]);
  });

  it('query() sees records still in the buffer', () => {
    const tracker = createSqliteUsageTracker({ path, batchSize: 100, clock: createFakeClock() });
    tracker.record(usageRecord({ callId: 'buffered' }));
    expect(tracker.query().map((record) => record.callId)).toEqual(['buffered']);
    tracker.close();
  });

  it('keeps a batch that failed to write and writes it once the lock is released', async () => {
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path, flushIntervalMs: 1_000, busyTimeoutMs: 0, clock });
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
    tracker.record(usageRecord({ callId: 'a' }));

    await clock.advance(1_000); // the background flush fails: nothing to throw to yet
    expect(tracker.pending).toBe(1);
    expect(clock.timers()).toHaveLength(1); // retried later

    const error = thrown(() => tracker.record(usageRecord({ callId: 'b' })));
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('write-failed');
    expect((error as UsageStoreError).isRetryable).toBe(true);
    expect(tracker.pending).toBe(2); // b was buffered before the error was reported
    expect(UsageStoreError.isInstance(thrown(() => tracker.flush()))).toBe(true);

    other.exec('ROLLBACK');
    other.close();
    await clock.advance(1_000);
    expect(tracker.pending).toBe(0);
    expect(storedCallIds()).toEqual(['a', 'b']);
    tracker.close();
  });

  it('refuses use after close, and close is idempotent', () => {
    const tracker = createSqliteUsageTracker({ path });
    tracker.close();
    tracker.close();
    const error = thrown(() => tracker.record(usageRecord({ callId: 'late' })));
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('closed');
    expect(UsageStoreError.isInstance(thrown(() => tracker.query()))).toBe(true);
  });

  it('checks its settings', () => {
    const error = thrown(() => createSqliteUsageTracker({ path, batchSize: 0 }));
    expect(InvalidSettingsError.isInstance(error)).toBe(true);
    expect((error as InvalidSettingsError).issues.map((issue) => issue.setting)).toEqual(['batchSize']);
    expect(existsSync(path)).toBe(false); // settings are checked before the file is touched
    const tooSmall = thrown(() => createSqliteUsageTracker({ path, batchSize: 50, maxBufferedRecords: 10 }));
    expect((tooSmall as InvalidSettingsError).issues.map((issue) => issue.setting)).toEqual([
      'maxBufferedRecords',
    ]);
  });
});

/** Another process holding the store's write lock (BEGIN IMMEDIATE) until released, or for `releaseAfterMs`. */
async function holdLock(
  file: string,
  releaseAfterMs?: number,
): Promise<{ release(): Promise<void>; exited: Promise<number | null> }> {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const database = new DatabaseSync(process.argv[1]);
    database.exec('PRAGMA busy_timeout = 5000');
    database.exec('BEGIN IMMEDIATE');
    const release = () => { database.exec('ROLLBACK'); database.close(); process.exit(0); };
    process.stdout.write('locked\\n');
    if (process.argv[2]) setTimeout(release, Number(process.argv[2]));
    process.stdin.once('data', release);
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(releaseAfterMs ?? '')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  expect((await lines.next()).value).toBe('locked');
  return {
    exited,
    async release() {
      child.stdin.end('release\n');
      expect(await exited).toBe(0);
    },
  };
}

/** Counts turns of the real event loop (setImmediate) and the longest gap between two, in ms. */
function watchEventLoop(): { stop(): { turns: number; longestGapMs: number } } {
  let turns = 0;
  let longestGapMs = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return { turns, longestGapMs: Math.max(longestGapMs, performance.now() - last) };
    },
  };
}

const callIds = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describe('createSqliteUsageTracker: never blocking the event loop', () => {
  it('record() only buffers, even with a full batch and the store locked; batches are written one per turn', async () => {
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path, batchSize: 2, busyTimeoutMs: 5_000, clock });
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE'); // a write inside record() would wait 5 s here
    const started = performance.now();
    for (const callId of ['a', 'b', 'c', 'd', 'e']) tracker.record(usageRecord({ callId }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(tracker.pending).toBe(5);
    expect(storedCallIds()).toEqual([]);
    expect(clock.timers()).toMatchObject([{ delayMs: 0, background: true }]);
    other.exec('ROLLBACK');
    other.close();

    await clock.next((timer) => timer.background); // one transaction of batchSize, then the loop runs
    expect(storedCallIds()).toEqual(['a', 'b']);
    expect(clock.timers()).toMatchObject([{ delayMs: 0 }]);
    await clock.next((timer) => timer.background);
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd']);
    expect(clock.timers()).toMatchObject([{ delayMs: 1_000 }]); // less than a batch left: the interval
    await clock.advance(1_000);
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tracker.pending).toBe(0);
    tracker.close();
  });

  it('background writes do not wait while another process holds the lock; they retry and write once it is released', async () => {
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path, batchSize: 10, busyTimeoutMs: 5_000, clock });
    const lock = await holdLock(path);
    const ids = callIds('call', 25);
    for (const callId of ids.slice(0, 24)) tracker.record(usageRecord({ callId }));

    const loop = watchEventLoop();
    const started = performance.now();
    await clock.advance(4_000); // about 9 attempts (10, 20, 40 ms... then every second), each finds the lock
    // Locked for less than busyTimeoutMs of clock time: a writer at work, not a failure.
    tracker.record(usageRecord({ callId: 'call-24' }));
    await clock.advance(2_000); // now locked for longer than busyTimeoutMs: reported by the next record()
    const elapsedMs = performance.now() - started;
    const { turns, longestGapMs } = loop.stop();
    // One write waiting for the lock would have stalled the loop for busyTimeoutMs (5 s).
    expect(elapsedMs).toBeLessThan(3_000);
    expect(longestGapMs).toBeLessThan(1_000);
    expect(turns).toBeGreaterThan(10);
    expect(tracker.pending).toBe(25);
    expect(storedCallIds()).toEqual([]);

    const error = thrown(() => tracker.record(usageRecord({ callId: 'call-0' }))); // a retry, buffered anyway
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('write-failed');
    expect((error as UsageStoreError).message).toContain('database is locked');
    expect(((error as UsageStoreError).cause as { errcode?: number }).errcode).toBe(5); // SQLITE_BUSY

    await lock.release();
    await clock.advance(1_000);
    expect(tracker.pending).toBe(0);
    expect(storedCallIds()).toEqual(ids); // each once, in order, the retried call-0 included once
    tracker.close();
  });

  it('flush() waits up to busyTimeoutMs for another process, then writes everything', async () => {
    const tracker = createSqliteUsageTracker({
      path,
      batchSize: 2,
      busyTimeoutMs: 5_000,
      clock: createFakeClock(),
    });
    const ids = callIds('call', 5);
    for (const callId of ids) tracker.record(usageRecord({ callId }));
    const lock = await holdLock(path, 300);
    const started = performance.now();
    tracker.flush();
    expect(performance.now() - started).toBeGreaterThan(50); // it waited for the lock instead of failing
    expect(tracker.pending).toBe(0);
    expect(storedCallIds()).toEqual(ids);
    expect(await lock.exited).toBe(0);
    tracker.close();
  });

  it('bounds the buffer: past maxBufferedRecords record() throws and keeps nothing, until writes catch up', async () => {
    const clock = createFakeClock();
    const tracker = createSqliteUsageTracker({ path, batchSize: 2, maxBufferedRecords: 4, clock });
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    for (const callId of ['a', 'b', 'c', 'd']) tracker.record(usageRecord({ callId }));
    await clock.advance(100); // background writes find the lock and keep the records

    const error = thrown(() => tracker.record(usageRecord({ callId: 'e' })));
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('backlog');
    expect((error as Error).message).toContain('call e was not kept');
    expect((error as Error).message).toContain('maxBufferedRecords');
    expect(tracker.pending).toBe(4);

    other.exec('ROLLBACK');
    other.close();
    await clock.advance(1_000);
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd']); // e was refused, not silently kept or dropped
    tracker.record(usageRecord({ callId: 'e' })); // room again: the retry is accepted

    // A loop that never yields fills the buffer too; flush() makes room.
    for (const callId of ['f', 'g', 'h']) tracker.record(usageRecord({ callId }));
    expect(UsageStoreError.isInstance(thrown(() => tracker.record(usageRecord({ callId: 'i' }))))).toBe(true);
    tracker.flush();
    tracker.record(usageRecord({ callId: 'i' }));
    tracker.close();
    expect(storedCallIds()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });
});

describe('createSqliteUsageTracker: files that are not ours', () => {
  function expectRefused(reason: string, allowedNewFiles: readonly string[] = []): void {
    const before = readFileSync(path);
    const entries = readdirSync(directory);
    const error = thrown(() => createSqliteUsageTracker({ path }));
    expect(UsageStoreError.isInstance(error)).toBe(true);
    expect(RouterError.isInstance(error)).toBe(true);
    expect((error as UsageStoreError).reason).toBe(reason);
    expect((error as UsageStoreError).path).toBe(path);
    expect((error as Error).message).toContain('left untouched');
    expect(readFileSync(path).equals(before)).toBe(true);
    // No journal or WAL left beside it.
    expect(readdirSync(directory).sort()).toEqual([...entries, ...allowedNewFiles].sort());
  }

  it('refuses a corrupt file (random bytes) and leaves it as it was', () => {
    const next = seededRandom(99);
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, () => Math.floor(next() * 256))));
    expectRefused('corrupt');
  });

  it('refuses a file shorter than a SQLite header', () => {
    writeFileSync(path, 'SQLite format 3\0');
    expectRefused('corrupt');
  });

  it('refuses a valid SQLite database of another program and leaves it as it was', () => {
    const foreign = new DatabaseSync(path);
    foreign.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')",
    );
    foreign.close();
    expectRefused('foreign');
  });

  it('refuses a crashed WAL database of another program without replaying or checkpointing its WAL', () => {
    const original = join(directory, 'theirs.sqlite');
    const theirs = new DatabaseSync(original);
    theirs.exec('PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0');
    theirs.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('only in the WAL')");
    // Copy the file and its WAL while the program has them open: what a crash leaves behind.
    copyFileSync(original, path);
    copyFileSync(`${original}-wal`, `${path}-wal`);
    theirs.close();
    rmSync(original);
    const wal = readFileSync(`${path}-wal`);
    expectRefused('foreign', ['usage.sqlite-shm']); // a read-only look needs the shared-memory index
    expect(readFileSync(`${path}-wal`).equals(wal)).toBe(true);
  });

  it('refuses a database with another application_id without opening it', () => {
    const foreign = new DatabaseSync(path);
    foreign.exec('PRAGMA application_id = 1234; CREATE TABLE usage_records (call_id TEXT PRIMARY KEY)');
    foreign.close();
    expectRefused('foreign');
  });

  it('refuses a store written by a newer schema', () => {
    createSqliteUsageTracker({ path }).close();
    const store = new DatabaseSync(path);
    store.exec('PRAGMA user_version = 4');
    store.close();
    const before = readFileSync(path);
    const error = thrown(() => createSqliteUsageTracker({ path }));
    expect(UsageStoreError.isInstance(error) && error.reason).toBe('unsupported-version');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('adopts an empty file', () => {
    writeFileSync(path, '');
    const tracker = createSqliteUsageTracker({ path });
    tracker.record(usageRecord({ callId: 'a' }));
    tracker.close();
    expect(storedCallIds()).toEqual(['a']);
  });
});

describe('createSqliteUsageTracker: two processes', () => {
  it('two writers on one file lose nothing and store each call once', async () => {
    const childCount = 6_000;
    const parentCount = 5_000;
    const shared = 1_000;
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, 'fixtures', 'write-records.ts'),
        path,
        'child',
        String(childCount),
        String(shared),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready'); // the child created the store

    const tracker = createSqliteUsageTracker({ path, batchSize: 50 });
    await new Promise<void>((resolve) => child.stdin.end('go\n', resolve)); // on its way before we start
    const parentStartedAt = Date.now();
    for (let index = 0; index < parentCount; index++) {
      if (index < shared) tracker.record(usageRecord({ callId: `shared-${index}`, user: 'parent' }));
      tracker.record(usageRecord({ callId: `parent-${index}`, user: 'parent' }));
      tracker.record(usageRecord({ callId: `parent-${index}`, user: 'parent' }));
    }
    tracker.flush();
    const parentFinishedAt = Date.now();
    const childTimes = JSON.parse(String((await lines.next()).value)) as {
      startedAt: number;
      finishedAt: number;
    };
    expect(await exited).toBe(0);
    // The two really wrote at the same time.
    expect(childTimes.startedAt).toBeLessThan(parentFinishedAt);
    expect(parentStartedAt).toBeLessThan(childTimes.finishedAt);

    const records = tracker.query();
    tracker.close();
    expect(records).toHaveLength(childCount + parentCount + shared);
    expect(new Set(records.map((record) => record.callId)).size).toBe(childCount + parentCount + shared);
    expect(records.filter((record) => record.callId.startsWith('child-'))).toHaveLength(childCount);
    expect(records.filter((record) => record.callId.startsWith('parent-'))).toHaveLength(parentCount);
    const check = new DatabaseSync(path, { readOnly: true });
    expect(check.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    check.close();
  });

  it('two processes creating the store at the same moment agree on one schema', async () => {
    const run = (prefix: string) => {
      const child = spawn(
        process.execPath,
        [join(import.meta.dirname, 'fixtures', 'write-records.ts'), path, prefix, '2000', '500'],
        { stdio: ['pipe', 'ignore', 'inherit'] },
      );
      child.stdin.end('go\n'); // neither waits for the other to create the file
      return new Promise<number | null>((resolve) => child.on('exit', resolve));
    };
    expect(await Promise.all([run('one'), run('two')])).toEqual([0, 0]);
    const ids = storedCallIds();
    expect(ids).toHaveLength(2_000 + 2_000 + 500);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
