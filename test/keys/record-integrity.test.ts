import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createFileKeyRecordStore } from '../../src/keys/file-key-record-store.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import {
  type ProviderKeyServers,
  startProviderKeyServers,
} from '../../src/testing/loopback/provider-key-server.ts';
import type { KeyCipher } from '../../src/types/key-cipher.ts';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';
import type { KeyVault } from '../../src/types/key-vault.ts';
import { GOOD, infisicalCipher, PROVIDERS, rejectionOf } from './helpers.ts';

// Issue 10 item 8: whoever can edit the record store but not decrypt keys must not be able to swap
// two records' keys, bring a disabled key back, or relabel one; stores written before must still work.

const SECOND_OPENAI = 'byok-openai-second-3c4d5e6f7a8b9c0d';
let loopback: ProviderKeyServers;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  loopback = await startProviderKeyServers({
    ...Object.fromEntries(PROVIDERS.map((provider) => [provider, { [GOOD[provider]]: 'valid' }])),
    openai: { [GOOD.openai]: 'valid', [SECOND_OPENAI]: 'valid' },
  });
});
afterAll(async () => {
  await loopback.close();
});
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

function vaultOn(store: KeyRecordStore, cipher: KeyCipher): KeyVault {
  return createKeyVault({
    cipher,
    store,
    validator: createKeyValidator({ baseURLs: loopback.baseURLs }),
    logger: false,
    cacheTtlMs: 0,
  });
}

async function edit(store: KeyRecordStore, id: string, change: (record: KeyRecord) => KeyRecord) {
  const record = await store.get(id);
  if (!record) throw new Error(`no record ${id}`);
  await store.put(change(record));
}

/** What an edit of the store does to bring a disabled key back. */
function reactivated(record: KeyRecord): KeyRecord {
  const { reason: _reason, disabledBy: _by, disabledAt: _at, ...rest } = record;
  return { ...rest, status: 'active' };
}

describe('record integrity', () => {
  it("refuses two records' ciphertexts swapped in the store (same user and provider)", async () => {
    const store = createMemoryKeyRecordStore();
    const vault = vaultOn(store, createLocalCipher({ masterKey: generateMasterKey() }));
    const one = await vault.add({ provider: 'openai', user: 'alice', apiKey: GOOD.openai, label: 'one' });
    const two = await vault.add({ provider: 'openai', user: 'alice', apiKey: SECOND_OPENAI, label: 'two' });
    const [first, second] = [await store.get(one.id), await store.get(two.id)] as KeyRecord[];
    if (!first || !second) throw new Error('records missing');
    await store.put({ ...first, ciphertext: second.ciphertext });
    await store.put({ ...second, ciphertext: first.ciphertext });

    for (const [id, request] of [
      [one.id, { user: 'alice', provider: 'openai' as const, keyId: one.id }],
      [two.id, { user: 'alice', provider: 'openai' as const }],
    ] as const) {
      const error = await rejectionOf(vault.resolve(request));
      expect(error).toMatchObject({ kind: 'integrity', keyId: id });
      expect((error as Error).message).toContain('moved or swapped');
      expect((error as Error).message).not.toContain(GOOD.openai);
    }
    expect(await rejectionOf(vault.revalidate(one.id))).toMatchObject({ kind: 'integrity' });
  });

  it('keeps a disabled key disabled when the store is edited back to active, and refuses a relabelled record', async () => {
    const store = createMemoryKeyRecordStore();
    const cipher = createLocalCipher({ masterKey: generateMasterKey() });
    const vault = vaultOn(store, cipher);
    const key = await vault.add({ provider: 'openai', user: 'alice', apiKey: GOOD.openai, label: 'work' });
    await vault.disable(key.id, 'left the company');
    await edit(store, key.id, reactivated);

    const fresh = vaultOn(store, cipher);
    expect((await fresh.get(key.id))?.status).toBe('active'); // the store says so…
    const error = await rejectionOf(fresh.resolve({ user: 'alice', provider: 'openai' }));
    expect(error).toMatchObject({ kind: 'integrity', keyId: key.id }); // …the vault does not use it
    expect((error as Error).message).toContain('changed outside the vault');
    expect(await rejectionOf(fresh.revalidate(key.id))).toMatchObject({ kind: 'integrity' });
    await edit(store, key.id, (record) => ({ ...record, status: 'unverified' }));
    expect(await rejectionOf(fresh.revalidateUnverified())).toMatchObject({ kind: 'integrity' });

    // Label and last four characters are sealed too.
    const other = await vault.add({
      provider: 'mistral',
      user: 'alice',
      apiKey: GOOD.mistral,
      label: 'mine',
    });
    await edit(store, other.id, (record) => ({ ...record, label: 'ceo personal card' }));
    expect(await rejectionOf(fresh.resolve({ user: 'alice', provider: 'mistral' }))).toMatchObject({
      kind: 'integrity',
    });
    await edit(store, other.id, (record) => ({ ...record, label: 'mine', last4: 'zzzz' }));
    expect(await rejectionOf(fresh.resolve({ user: 'alice', provider: 'mistral' }))).toMatchObject({
      kind: 'integrity',
    });
    await edit(store, other.id, (record) => ({ ...record, last4: GOOD.mistral.slice(-4) }));
    expect((await fresh.resolve({ user: 'alice', provider: 'mistral' }))?.apiKey.reveal()).toBe(GOOD.mistral);
  });

  it('disabling while the KMS is down drops the seal: the record cannot be edited back, only enable() restores it', async () => {
    const infisical = await startInfisicalServer();
    closers.push(infisical.close);
    const store = createMemoryKeyRecordStore();
    // The cipher's deadline runs on a fake clock: the outage is cut short by advancing it.
    const clock = createFakeClock();
    const cipher = infisicalCipher(infisical, infisical.createKey(), { clock, requestTimeoutMs: 5000 });
    const vault = vaultOn(store, cipher);
    closers.push(() => vault.close());
    const key = await vault.add({ provider: 'anthropic', user: 'bob', apiKey: GOOD.anthropic });
    await infisical.down();
    const disabling = vault.disable(key.id, 'suspected leak');
    await clock.waitForTimer((timer) => timer.delayMs === 5000);
    await clock.advance(5000);
    expect((await disabling).status).toBe('disabled');
    expect((await store.get(key.id))?.seal).toBeUndefined();
    await infisical.up();

    await edit(store, key.id, reactivated);
    const error = await rejectionOf(vault.resolve({ user: 'bob', provider: 'anthropic' }));
    expect(error).toMatchObject({ kind: 'integrity' });
    expect((error as Error).message).toContain('Only enable()');

    await edit(store, key.id, (record) => ({ ...record, status: 'disabled' }));
    const { key: enabled } = await vault.enable(key.id);
    expect(enabled.status).toBe('active');
    expect((await store.get(key.id))?.seal).toMatch(/^s1\./);
    expect((await vault.resolve({ user: 'bob', provider: 'anthropic' }))?.apiKey.reveal()).toBe(
      GOOD.anthropic,
    );
  });
});

describe('records written before seals (fixture of the previous format)', () => {
  // test/keys/fixtures/key-records-v1.json was written by the vault before this change: three keys
  // of alice (two openai, one anthropic disabled by her), payloads `{ v: 1, provider, user, apiKey }`,
  // no seal, encrypted by the local cipher under this master key.
  const FIXTURE = fileURLToPath(new URL('./fixtures/key-records-v1.json', import.meta.url));
  const MASTER_KEY = 'bGVnYWN5LWZpeHR1cmUtbWFzdGVyLWtleS0zMmJ5dGU=';
  const [ONE, TWO, THREE] = [
    'key_859e2e14490848e49a7606f275a1b083',
    'key_068340b6486e464ca8730dd4097b6b73',
    'key_3f280510f66e44b184a07529b1d08781',
  ] as const;

  async function legacyStore() {
    const directory = await mkdtemp(join(tmpdir(), 'key-records-v1-'));
    closers.push(() => rm(directory, { recursive: true, force: true }));
    const path = join(directory, 'keys.json');
    await copyFile(FIXTURE, path);
    return { path, store: createFileKeyRecordStore({ path, durable: false }) };
  }
  const cipher = () => createLocalCipher({ masterKey: MASTER_KEY });

  it('keep working, and each record is bound and sealed when first used', async () => {
    const { path, store } = await legacyStore();
    const vault = vaultOn(store, cipher());
    expect((await vault.list()).map((key) => [key.label, key.status])).toEqual([
      ['one', 'active'],
      ['two', 'active'],
      ['three', 'disabled'],
    ]);
    const resolved = await vault.resolve({ user: 'alice', provider: 'openai' });
    expect([resolved?.keyId, resolved?.apiKey.reveal()]).toEqual([TWO, 'legacy-openai-key-two-0000000002']);
    const file = JSON.parse(await readFile(path, 'utf8')) as { records: KeyRecord[] };
    const byId = new Map(file.records.map((record) => [record.id, record]));
    expect(byId.get(TWO)?.seal).toMatch(/^s1\./);
    expect(byId.get(ONE)?.seal).toBeUndefined(); // not used yet
    expect(JSON.stringify(file)).not.toContain('legacy-openai-key');

    // Once sealed, a swap is refused.
    const [one, two] = [byId.get(ONE), byId.get(TWO)] as KeyRecord[];
    if (!one || !two) throw new Error('records missing');
    await store.put({ ...two, ciphertext: one.ciphertext });
    expect(await rejectionOf(vault.resolve({ user: 'alice', provider: 'openai' }))).toMatchObject({
      kind: 'integrity',
    });
  });

  it('rotateCipher() with the cipher in use seals them all at once; edits are refused from then on', async () => {
    const { store } = await legacyStore();
    const current = cipher();
    const vault = vaultOn(store, current);
    expect(await vault.rotateCipher(current)).toEqual({ reencrypted: 3, cipher: 'local-aes-256-gcm' });
    for (const record of await store.list()) expect(record.seal).toMatch(/^s1\./);
    const reopened = vaultOn(store, cipher());
    expect((await reopened.resolve({ user: 'alice', provider: 'openai', keyId: ONE }))?.apiKey.reveal()).toBe(
      'legacy-openai-key-one-0000000001',
    );
    await edit(store, THREE, reactivated);
    expect(await rejectionOf(reopened.resolve({ user: 'alice', provider: 'anthropic' }))).toMatchObject({
      kind: 'integrity',
      keyId: THREE,
    });
  });
});
