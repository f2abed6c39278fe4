import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of `writeFileAtomic()`. */
export interface WriteFileAtomicOptions {
  /** File mode of a newly created file. @default 0o600 (the owner only) */
  readonly mode?: number;
  /** fsync the file before the rename and the directory after it. @default true */
  readonly durable?: boolean;
}

const TEMP_SUFFIX = '.tmp';

/** The prefix of temporary files written next to `path`. */
function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (error as { code?: unknown }).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `path` with `data` so that a crash at any moment leaves either the old file or the new
 * one, never a mix or a truncated file: write a temporary file in the same directory, fsync it,
 * rename it over `path` (atomic on POSIX file systems), then fsync the directory so the rename
 * itself survives a power loss.
 */
export async function writeFileAtomic(
  path: string,
  data: string,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const durable = options.durable ?? true;
  const directory = dirname(path);
  const temp = join(
    directory,
    `${tempPrefix(path)}${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  const handle = await open(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (durable) await syncDirectory(directory);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Removes temporary files that an earlier process left next to `path` when it crashed mid-write.
 * Files of processes still running are left alone.
 */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const directory = dirname(path);
  const prefix = tempPrefix(path);
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    await rm(join(directory, name), { force: true });
    removed++;
  }
  return removed;
}
