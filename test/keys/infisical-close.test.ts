import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createFileKeyRecordStore } from '../../src/keys/file-key-record-store.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createFakeClock, startLiteLLMServer } from '../../src/testing/index.ts';
import { type InfisicalServer, startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import { GOOD, infisicalCipher, rejectionOf } from './helpers.ts';

// Issue 10 item 10: a request the vault abandoned on its own deadline used to keep retrying inside
// @infisical/sdk (~15 s refused, ~65 s hung), holding the process open after router.close() and the
// vault's close. The process is a real child here, so nothing but the exit itself is measured.

const SCRIPT = fileURLToPath(new URL('./fixtures/close-and-exit.ts', import.meta.url));
const LITELLM_KEY = 'sk-virtual-key-abcdef123456';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

interface ChildOutcome {
  readonly output: { keyId: string; unavailable: string[] } | undefined;
  /** Wall time from the child's last line (everything closed) to its exit, ms. */
  readonly exitAfterCloseMs: number | undefined;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the script and measures how long the child lives once it has printed (closed everything). */
function runChild(env: Record<string, string>, killAfterMs: number): Promise<ChildOutcome> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let printedAt: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (printedAt === undefined && stdout.includes('\n')) printedAt = performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      const exitedAt = performance.now();
      const line = stdout.split('\n')[0];
      resolve({
        output: line ? JSON.parse(line) : undefined,
        exitAfterCloseMs: printedAt === undefined ? undefined : exitedAt - printedAt,
        code,
        stderr,
      });
    });
  });
}

async function setup(): Promise<{ infisical: InfisicalServer; env: Record<string, string> }> {
  const infisical = await startInfisicalServer();
  const litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY, acceptProviderKey: () => true });
  const directory = await mkdtemp(join(tmpdir(), 'infisical-close-'));
  closers.push(infisical.close, litellm.close, () => rm(directory, { recursive: true, force: true }));
  const key = infisical.createKey();
  const path = join(directory, 'keys.json');
  const vault = createKeyVault({
    cipher: infisicalCipher(infisical, key),
    store: createFileKeyRecordStore({ path, durable: false }),
    validator: { validate: async () => ({ status: 'valid' as const }) },
    logger: false,
  });
  await vault.add({ provider: 'openai', user: 'alice', apiKey: GOOD.openai });
  closers.push(() => vault.close());
  return {
    infisical,
    env: {
      TEST_INFISICAL_URL: infisical.siteUrl,
      TEST_INFISICAL_CLIENT_ID: infisical.identity.clientId,
      TEST_INFISICAL_CLIENT_SECRET: infisical.identity.clientSecret,
      TEST_INFISICAL_KEY_ID: key.id,
      TEST_STORE_PATH: path,
      TEST_LITELLM_URL: litellm.baseURL,
      TEST_LITELLM_KEY: LITELLM_KEY,
    },
  };
}

describe('closing the router and the vault ends background work', () => {
  for (const outage of ['refusing connections', 'hanging'] as const) {
    it(`a process with Infisical ${outage} exits promptly after router.close() and vault.close()`, async () => {
      const { infisical, env } = await setup();
      if (outage === 'refusing connections') await infisical.down();
      else infisical.fail({ hang: true }, { route: 'any', times: 1000 });

      // The SDK alone keeps a process alive ~15 s (refused) or ~65 s (hung) after its caller gave up.
      const outcome = await runChild(env, 40_000);

      expect(outcome.stderr).toBe('');
      expect(outcome.output).toEqual({ keyId: 'gateway:litellm', unavailable: ['unavailable'] });
      expect(outcome.code).toBe(0);
      expect(outcome.exitAfterCloseMs).toBeLessThan(5000);
    }, 60_000);
  }
});

/** Waits (real time, generously) until `condition` holds; the SDK's own retries would take 10–65 s. */
async function until(condition: () => boolean, what: string, withinMs = 5000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > withinMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('abandoned Infisical requests end in-process', () => {
  const payload = { provider: 'openai' as const, user: 'alice', apiKey: new SecretKey(GOOD.openai) };

  it('a request abandoned at requestTimeoutMs is ended (its connection closed) without waiting for close()', async () => {
    const infisical = await startInfisicalServer();
    closers.push(infisical.close);
    const clock = createFakeClock();
    const cipher = infisicalCipher(infisical, infisical.createKey(), { clock, requestTimeoutMs: 5000 });
    const ciphertext = await cipher.encrypt(payload);
    infisical.fail({ hang: true }, { route: 'decrypt', times: 1000 });
    const pending = rejectionOf(cipher.decrypt(ciphertext));
    await until(() => infisical.openRequests() === 1, 'the decrypt request to arrive');
    await clock.waitForTimer((timer) => timer.delayMs === 5000);
    await clock.advance(5000);
    expect(await pending).toMatchObject({ kind: 'unavailable' });
    // The SDK would hold this request for 10 s, then retry it four times.
    await until(() => infisical.openRequests() === 0, 'the abandoned request to be closed');
    expect(infisical.requestsTo('decrypt')).toHaveLength(1);
    await infisical.up();
    infisical.clearFaults();
    expect((await cipher.decrypt(ciphertext)).apiKey.reveal()).toBe(GOOD.openai);
  });

  it('close() ends pending requests at once; the cipher and the vault then refuse with closed', async () => {
    const infisical = await startInfisicalServer();
    closers.push(infisical.close);
    const cipher = infisicalCipher(infisical, infisical.createKey());
    const vault = createKeyVault({
      cipher,
      store: createMemoryKeyRecordStore(),
      validator: { validate: async () => ({ status: 'valid' as const }) },
      logger: false,
      cacheTtlMs: 0,
    });
    await vault.add({ provider: 'openai', user: 'alice', apiKey: GOOD.openai });
    infisical.fail({ hang: true }, { route: 'decrypt', times: 1000 });
    const pending = rejectionOf(vault.resolve({ user: 'alice', provider: 'openai' }));
    await until(() => infisical.openRequests() === 1, 'the decrypt request to arrive');

    const started = performance.now();
    await vault.close();
    const error = await pending;
    expect(performance.now() - started).toBeLessThan(2000); // not requestTimeoutMs (5 s), not the SDK's 65 s
    expect(error).toMatchObject({ kind: 'closed' });
    await until(() => infisical.openRequests() === 0, 'the pending request to be closed');

    expect(await rejectionOf(vault.resolve({ user: 'alice', provider: 'openai' }))).toMatchObject({
      kind: 'closed',
    });
    expect(await rejectionOf(vault.list())).toMatchObject({ kind: 'closed' });
    expect(await rejectionOf(cipher.encrypt(payload))).toMatchObject({ kind: 'closed' });
    await vault.close(); // twice is fine
  });
});
