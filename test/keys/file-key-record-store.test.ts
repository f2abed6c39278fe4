import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileKeyRecordStore } from '../../src/keys/file-key-record-store.ts';
import { KeyVaultError } from '../../src/keys/key-vault-error.ts';
import { rejectionOf } from './helpers.ts';
import { record } from './key-record-store.contract.ts';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});
async function freshPath(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'key-file-'));
  directories.push(directory);
  return join(directory, 'keys.json');
}

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

/** Starts the writer, waits for `acknowledged` writes, lets it run `extraMs` more, then SIGKILLs it. */
async function killMidWrite(
  path: string,
  mode: 'atomic' | 'in-place',
  acknowledged: number,
  extraMs: number,
) {
  const child: ChildProcess = spawn(process.execPath, [WRITER, path, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let written = 0;
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      written = Number(lines.at(-1));
      if (written >= acknowledged) resolve();
    });
    child.on('close', () => reject(new Error(`writer exited early: ${errors}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, extraMs));
  // 'close' comes after the last stdout data, so `written` is final.
  const exited = new Promise((resolve) => child.on('close', resolve));
  child.kill('SIGKILL');
  await exited;
  return written;
}

describe('file key record store: durability', () => {
  it('survives a reopen and writes the file for the owner only (0600), with nothing but the record', async () => {
    const path = await freshPath();
    await createFileKeyRecordStore({ path }).put(record({ id: 'key_1', ciphertext: 'lc1.opaque' }));
    const reopened = createFileKeyRecordStore({ path });
    expect((await reopened.get('key_1'))?.ciphertext).toBe('lc1.opaque');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const contents = JSON.parse(await readFile(path, 'utf8'));
    expect(contents).toMatchObject({ format: 'llm-router-key-records', version: 1 });
    expect(contents.records).toHaveLength(1);
  });

  it('leaves the previous state readable after a crash that left a half-written temporary file', async () => {
    const path = await freshPath();
    const store = createFileKeyRecordStore({ path });
    await store.put(record({ id: 'key_1' }));
    // What a crash between write() and rename() leaves behind: a truncated temp file next to it.
    const full = await readFile(path, 'utf8');
    const leftover = join(path, '..', `.keys.json.999999.0a0b0c0d0e0f.tmp`);
    await writeFile(leftover, full.slice(0, Math.floor(full.length / 2)));
    const reopened = createFileKeyRecordStore({ path });
    expect((await reopened.list()).map((entry) => entry.id)).toEqual(['key_1']);
    // The stale temp file of a dead process is cleaned up on load.
    expect(await readdir(join(path, '..'))).toEqual(['keys.json']);
  });

  it('a process killed mid-write (SIGKILL, repeatedly) always leaves a complete, readable state', async () => {
    const path = await freshPath();
    let acknowledged = 0;
    for (let round = 0; round < 6; round++) {
      acknowledged = await killMidWrite(path, 'atomic', acknowledged + 2, 5 + round * 7);
      const records = await createFileKeyRecordStore({ path }).list();
      // Every acknowledged write is there, plus at most the one in flight; each record is whole.
      expect(records.length).toBeGreaterThanOrEqual(acknowledged);
      expect(records.length).toBeLessThanOrEqual(acknowledged + 1);
      records.forEach((entry, index) => {
        expect(entry.id).toBe(`key_${String(index).padStart(6, '0')}`);
        expect(entry.ciphertext.length).toBe(`${index}:`.length + 200_000);
      });
      acknowledged = records.length;
    }
  }, 60_000);

  it('control: the same kills corrupt a file written in place, so the test above can fail', async () => {
    const path = await freshPath();
    let corrupted = 0;
    for (let round = 0; round < 12 && corrupted === 0; round++) {
      await rm(path, { force: true });
      await killMidWrite(path, 'in-place', 3, 2 + round * 5);
      const error = await createFileKeyRecordStore({ path })
        .list()
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      if (KeyVaultError.isInstance(error) && error.kind === 'store') corrupted++;
    }
    expect(corrupted).toBeGreaterThan(0);
  }, 60_000);

  it('reports a corrupt file as a store error instead of starting empty', async () => {
    const path = await freshPath();
    await writeFile(path, '{"format":"llm-router-key-records","version":1,"records":[{"id":"key_1"');
    const error = await rejectionOf(createFileKeyRecordStore({ path }).list());
    expect(KeyVaultError.isInstance(error) && error.kind).toBe('store');
    await writeFile(path, '{"something":"else"}');
    const wrong = await rejectionOf(createFileKeyRecordStore({ path }).get('key_1'));
    expect((wrong as Error).message).toContain('not a version 1 key record file');
  });

  it('keeps the previous state when a write fails, and keeps working afterwards', async () => {
    const path = await freshPath();
    const store = createFileKeyRecordStore({ path });
    await store.put(record({ id: 'key_1' }));
    await rm(join(path, '..'), { recursive: true });
    const error = await rejectionOf(store.put(record({ id: 'key_2' })));
    expect(KeyVaultError.isInstance(error) && error.kind).toBe('store');
    expect((await store.list()).map((entry) => entry.id)).toEqual(['key_1']);
  });
});
