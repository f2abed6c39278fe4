import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { KeyVaultError } from '../../src/keys/key-vault-error.ts';
import type { KeyVaultSettings } from '../../src/keys/key-vault-settings.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import {
  type ProviderKeyServers,
  startProviderKeyServers,
} from '../../src/testing/loopback/provider-key-server.ts';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';
import type { KeyVaultEvent } from '../../src/types/key-vault.ts';
import { SecretKey } from '../../src/types/secret-key.ts';
import {
  captureLogger,
  countingCipher,
  GOOD,
  infisicalCipher,
  PROVIDERS,
  rejectionOf,
  UNKNOWN_KEY,
} from './helpers.ts';

let loopback: ProviderKeyServers;
let serial = 0;
beforeAll(async () => {
  loopback = await startProviderKeyServers(
    Object.fromEntries(PROVIDERS.map((provider) => [provider, { [GOOD[provider]]: 'valid' }])),
  );
});
afterAll(async () => {
  await loopback.close();
});
afterEach(() => {
  for (const server of Object.values(loopback.servers)) server.clearFaults();
});

/** A key unique to one test, known to the OpenAI server with `behaviour`. */
function openaiKey(behaviour: 'valid' | 'restricted' | 'no_credit' = 'valid'): string {
  const key = `byok-openai-test-${String(++serial).padStart(4, '0')}-a1b2c3d4`;
  loopback.servers.openai.setKey(key, behaviour);
  return key;
}

function setup(settings: Partial<KeyVaultSettings> = {}) {
  const clock = createFakeClock();
  const cipher = countingCipher(createLocalCipher({ masterKey: generateMasterKey() }));
  const store = createMemoryKeyRecordStore();
  const events: KeyVaultEvent[] = [];
  const logger = captureLogger();
  const vault = createKeyVault({
    cipher,
    store,
    validator: createKeyValidator({ baseURLs: loopback.baseURLs, clock, timeoutMs: 5000 }),
    clock,
    logger,
    onEvent: (event) => void events.push(event),
    ...settings,
  });
  return { vault, clock, cipher, store, events, logger };
}

describe('add()', () => {
  it('validates, encrypts and stores only ciphertext and metadata', async () => {
    const { vault, store, clock } = setup();
    const key = openaiKey();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: key, label: 'personal' });
    expect(info).toMatchObject({
      provider: 'openai',
      user: 'alice',
      label: 'personal',
      last4: 'c3d4',
      status: 'active',
      createdAt: clock.now(),
      validatedAt: clock.now(),
      lastCheck: { status: 'valid', httpStatus: 200, at: clock.now() },
      cipher: 'local-aes-256-gcm',
    });
    expect(info.id).toMatch(/^key_[0-9a-f]{32}$/);
    expect(info).not.toHaveProperty('ciphertext');
    const stored = (await store.get(info.id)) as KeyRecord;
    expect(stored.ciphertext.startsWith('lc1.')).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(await vault.list()).toEqual([info]);
    expect(await vault.get(info.id)).toEqual(info);
  });

  it('refuses an invalid key by default and stores nothing', async () => {
    const { vault, store, cipher } = setup();
    const error = await rejectionOf(vault.add({ provider: 'openai', user: 'alice', apiKey: UNKNOWN_KEY }));
    expect(KeyVaultError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'invalid-key', status: 401, provider: 'openai', user: 'alice' });
    expect((error as KeyVaultError).validation).toMatchObject({ status: 'invalid', reason: 'invalid' });
    expect(await store.list()).toEqual([]);
    expect(cipher.encrypts).toBe(0);
  });

  it("stores an invalid key disabled with onInvalid: 'disable' (vault setting or per call)", async () => {
    const { vault, clock } = setup({ onInvalid: 'disable' });
    const info = await vault.add({ provider: 'google', user: 'alice', apiKey: UNKNOWN_KEY });
    expect(info).toMatchObject({
      status: 'disabled',
      reason: 'invalid',
      disabledBy: 'validation',
      disabledAt: clock.now(),
    });
    expect(info.validatedAt).toBeUndefined();
    const other = setup();
    const perCall = await other.vault.add(
      { provider: 'cohere', user: 'bob', apiKey: UNKNOWN_KEY },
      { onInvalid: 'disable' },
    );
    expect(perCall.status).toBe('disabled');
  });

  it('stores unverified, never invalid, when the provider is down, failing or rate-limiting', async () => {
    const { vault } = setup();
    await loopback.servers.mistral.down();
    try {
      expect(await vault.add({ provider: 'mistral', user: 'alice', apiKey: GOOD.mistral })).toMatchObject({
        status: 'unverified',
        reason: 'network',
      });
    } finally {
      await loopback.servers.mistral.up();
    }
    loopback.servers.anthropic.fail({ status: 500 });
    expect(await vault.add({ provider: 'anthropic', user: 'alice', apiKey: GOOD.anthropic })).toMatchObject({
      status: 'unverified',
      reason: 'server',
    });
    loopback.servers.cohere.fail({ status: 429 });
    expect(await vault.add({ provider: 'cohere', user: 'alice', apiKey: GOOD.cohere })).toMatchObject({
      status: 'unverified',
      reason: 'rate_limited',
    });
    // Checked again later, they become active.
    const results = await vault.revalidateUnverified();
    expect(results.map((result) => result.key.status)).toEqual(['active', 'active', 'active']);
  });

  it('keeps a restricted key active and a key without credit disabled (no_credit)', async () => {
    const { vault } = setup();
    expect(
      await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey('restricted') }),
    ).toMatchObject({
      status: 'active',
      reason: 'restricted',
    });
    const broke = openaiKey('no_credit');
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: broke });
    expect(info).toMatchObject({ status: 'disabled', reason: 'no_credit', disabledBy: 'validation' });
    loopback.servers.openai.setKey(broke, 'valid'); // credit bought
    expect((await vault.revalidate(info.id)).key).toMatchObject({ status: 'active' });
  });

  it('checks its input without quoting the key', async () => {
    const { vault } = setup();
    const cases: [unknown, RegExp][] = [
      [{ provider: 'openrouter', user: 'alice', apiKey: GOOD.openai }, /provider.*one of openai, anthropic/],
      [{ provider: 'openai', user: '', apiKey: GOOD.openai }, /user/],
      [{ provider: 'openai', user: 'alice', apiKey: 'short' }, /8 to 2048 characters long \(got 5\)/],
      [{ provider: 'openai', user: 'alice', apiKey: 'byok key with spaces' }, /spaces/],
      [{ provider: 'openai', user: 'alice', apiKey: 42 }, /string or a SecretKey/],
    ];
    for (const [input, message] of cases) {
      const error = await rejectionOf(vault.add(input as never));
      expect(error).toMatchObject({ kind: 'invalid-input' });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('byok key with spaces');
    }
    expect(await rejectionOf(vault.add(cases[0]?.[0] as never, null as never))).toMatchObject({
      kind: 'invalid-input',
    });
    // A SecretKey is accepted as is, and surrounding spaces are trimmed.
    const key = openaiKey();
    expect(
      (await vault.add({ provider: 'openai', user: 'alice', apiKey: new SecretKey(` ${key}\n`) })).status,
    ).toBe('active');
  });
});

describe('ids, scopes and filters of the wrong type', () => {
  it('are refused with invalid-input naming the argument, never a bare TypeError', async () => {
    const { vault } = setup();
    const key = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    const bare = Object.create(null);
    const calls: [string, () => Promise<unknown>, RegExp][] = [
      ['get', () => vault.get(bare), /`id` must be a key id/],
      ['enable', () => vault.enable(bare), /`id` must be a key id/],
      ['disable', () => vault.disable(bare, 'reason'), /`id` must be a key id/],
      ['remove', () => vault.remove(bare), /`id` must be a key id/],
      ['revalidate', () => vault.revalidate(bare), /`id` must be a key id/],
      ['get scope', () => vault.get(key.id, null as never), /`scope` must be/],
      ['get scope.user', () => vault.get(key.id, { user: 5 as never }), /`scope.user`/],
      ['list', () => vault.list(null as never), /filter must be/],
      ['list status', () => vault.list({ status: 'gone' as never }), /`filter.status`/],
      ['resolve', () => vault.resolve(bare), /`user` must be/],
      ['resolve null', () => vault.resolve(null as never), /pass \{ user, provider/],
      ['resolve keyId', () => vault.resolve({ user: 'alice', provider: 'openai', keyId: bare }), /`keyId`/],
      ['reportRejected', () => vault.reportRejected(bare, { user: 'alice', provider: 'openai' }), /`keyId`/],
    ];
    for (const [name, call, message] of calls) {
      const error = await rejectionOf(call());
      expect(error, name).toMatchObject({ kind: 'invalid-input' });
      expect((error as Error).message, name).toMatch(message);
    }
  });

  it('does not quote back an id that is not one of the vault ids (it may be a pasted key)', async () => {
    const { vault } = setup();
    const error = await rejectionOf(vault.revalidate(GOOD.openai));
    expect(error).toMatchObject({ kind: 'not-found', keyId: undefined });
    expect((error as Error).message).not.toContain(GOOD.openai);
    expect(await rejectionOf(vault.revalidate('key_0123abcd'))).toMatchObject({ keyId: 'key_0123abcd' });
  });
});

describe('resolve()', () => {
  it("returns the user's newest active key for the provider, wrapped", async () => {
    const { vault, clock } = setup();
    const first = openaiKey();
    const second = openaiKey();
    await vault.add({ provider: 'openai', user: 'alice', apiKey: first });
    await clock.advance(1000);
    const newest = await vault.add({ provider: 'openai', user: 'alice', apiKey: second, label: 'work' });
    const resolved = await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(resolved).toMatchObject({
      keyId: newest.id,
      provider: 'openai',
      user: 'alice',
      label: 'work',
      status: 'active',
    });
    expect(resolved?.apiKey.reveal()).toBe(second);
    expect(JSON.stringify(resolved)).not.toContain(second);
    expect(await vault.resolve({ user: 'alice', provider: 'anthropic' })).toBeUndefined();
    expect(await vault.resolve({ user: 'bob', provider: 'openai' })).toBeUndefined();
  });

  it('skips disabled keys, and unverified ones unless allowUnverified', async () => {
    const { vault } = setup();
    const key = openaiKey();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: key });
    await vault.disable(info.id, 'user asked');
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
    expect(await vault.resolve({ user: 'alice', provider: 'openai', keyId: info.id })).toBeUndefined();
    loopback.servers.openai.fail({ status: 502 });
    const pending = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    expect(pending.status).toBe('unverified');
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
    const fallback = await vault.resolve({ user: 'alice', provider: 'openai', allowUnverified: true });
    expect(fallback).toMatchObject({ keyId: pending.id, status: 'unverified' });
  });

  it('caches the decrypted key for cacheTtlMs on the clock, then decrypts again', async () => {
    const { vault, cipher, clock } = setup({ cacheTtlMs: 30_000 });
    await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await vault.resolve({ user: 'alice', provider: 'openai' });
    await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(cipher.decrypts).toBe(1);
    await clock.advance(29_999);
    await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(cipher.decrypts).toBe(1);
    // The entry is dropped by a background timer when it expires, not only when next read.
    expect(clock.timers().filter((timer) => timer.background && timer.delayMs === 30_000)).toHaveLength(1);
    await clock.advance(1);
    expect(clock.timers().filter((timer) => timer.background && timer.delayMs === 30_000)).toHaveLength(0);
    await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(cipher.decrypts).toBe(2);
  });

  it('decrypts on every call with cacheTtlMs 0, and once for concurrent calls', async () => {
    const { vault, cipher } = setup({ cacheTtlMs: 0 });
    await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await Promise.all([1, 2, 3].map(() => vault.resolve({ user: 'alice', provider: 'openai' })));
    expect(cipher.decrypts).toBe(1);
    await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(cipher.decrypts).toBe(2);
  });

  it('with Infisical, concurrent calls cost one KMS decrypt and the cache saves the rest', async () => {
    const infisical = await startInfisicalServer();
    try {
      const clock = createFakeClock();
      const vault = createKeyVault({
        cipher: infisicalCipher(infisical, infisical.createKey(), { clock }),
        store: createMemoryKeyRecordStore(),
        validator: createKeyValidator({ baseURLs: loopback.baseURLs, clock }),
        clock,
        cacheTtlMs: 60_000,
        logger: false,
      });
      const key = openaiKey();
      await vault.add({ provider: 'openai', user: 'alice', apiKey: key });
      const resolved = await Promise.all(
        Array.from({ length: 20 }, () => vault.resolve({ user: 'alice', provider: 'openai' })),
      );
      expect(resolved.every((entry) => entry?.apiKey.reveal() === key)).toBe(true);
      expect(infisical.requestsTo('decrypt')).toHaveLength(1);
      await clock.advance(60_000);
      await vault.resolve({ user: 'alice', provider: 'openai' });
      expect(infisical.requestsTo('decrypt')).toHaveLength(2);
    } finally {
      await infisical.close();
    }
  });

  it('refuses a tampered ciphertext (integrity), naming the key but not quoting it', async () => {
    const { vault, store } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    const stored = (await store.get(info.id)) as KeyRecord;
    const at = stored.ciphertext.length - 5;
    const flipped = stored.ciphertext[at] === 'A' ? 'B' : 'A';
    await store.put({
      ...stored,
      ciphertext: `${stored.ciphertext.slice(0, at)}${flipped}${stored.ciphertext.slice(at + 1)}`,
    });
    const error = await rejectionOf(vault.resolve({ user: 'alice', provider: 'openai' }));
    expect(error).toMatchObject({ kind: 'integrity', keyId: info.id, provider: 'openai', user: 'alice' });
  });

  it('refuses a ciphertext moved from another record (other user or other provider)', async () => {
    const { vault, store, logger } = setup();
    const alice = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    const bob = await vault.add({ provider: 'openai', user: 'bob', apiKey: openaiKey() });
    const bobsMistral = await vault.add({ provider: 'mistral', user: 'bob', apiKey: GOOD.mistral });
    const bobRecord = (await store.get(bob.id)) as KeyRecord;
    const aliceRecord = (await store.get(alice.id)) as KeyRecord;
    // Someone with write access to the store copies Bob's ciphertext into Alice's record.
    await store.put({ ...aliceRecord, ciphertext: bobRecord.ciphertext });
    const moved = await rejectionOf(vault.resolve({ user: 'alice', provider: 'openai' }));
    expect(moved).toMatchObject({ kind: 'integrity', keyId: alice.id });
    expect((moved as Error).message).toContain('moved or swapped');
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn' }));
    // Same user, other provider: refused too.
    const mistralRecord = (await store.get(bobsMistral.id)) as KeyRecord;
    await store.put({ ...bobRecord, ciphertext: mistralRecord.ciphertext });
    expect(await rejectionOf(vault.resolve({ user: 'bob', provider: 'openai' }))).toMatchObject({
      kind: 'integrity',
    });
    // Revalidation decrypts through the same check.
    expect(await rejectionOf(vault.revalidate(alice.id))).toMatchObject({ kind: 'integrity' });
  });
});

describe('user isolation', () => {
  async function twoUsers() {
    const context = setup();
    const aliceKey = openaiKey();
    const bobKey = openaiKey();
    const alice = await context.vault.add({ provider: 'openai', user: 'alice', apiKey: aliceKey });
    const bob = await context.vault.add({ provider: 'openai', user: 'bob', apiKey: bobKey });
    return { ...context, alice, bob, aliceKey, bobKey };
  }

  it("never resolves another user's key, by provider or by id", async () => {
    const { vault, bob, aliceKey, bobKey } = await twoUsers();
    expect((await vault.resolve({ user: 'alice', provider: 'openai' }))?.apiKey.reveal()).toBe(aliceKey);
    expect((await vault.resolve({ user: 'bob', provider: 'openai' }))?.apiKey.reveal()).toBe(bobKey);
    const byId = await rejectionOf(vault.resolve({ user: 'alice', provider: 'openai', keyId: bob.id }));
    expect(byId).toMatchObject({ kind: 'not-found' });
    expect(
      await rejectionOf(vault.resolve({ user: 'bob', provider: 'mistral', keyId: bob.id })),
    ).toMatchObject({
      kind: 'not-found',
    });
  });

  it("cannot report, read, disable, enable or remove another user's key through a scope", async () => {
    const { vault, bob } = await twoUsers();
    const before = loopback.servers.openai.validationRequests.length;
    expect(
      await rejectionOf(vault.reportRejected(bob.id, { user: 'alice', provider: 'openai' })),
    ).toMatchObject({
      kind: 'not-found',
    });
    expect(await vault.get(bob.id, { user: 'alice' })).toBeUndefined();
    expect(await rejectionOf(vault.disable(bob.id, 'mine now', { user: 'alice' }))).toMatchObject({
      kind: 'not-found',
    });
    expect(await rejectionOf(vault.enable(bob.id, { user: 'alice' }))).toMatchObject({ kind: 'not-found' });
    expect(await rejectionOf(vault.revalidate(bob.id, { user: 'alice' }))).toMatchObject({
      kind: 'not-found',
    });
    expect(await vault.remove(bob.id, { user: 'alice' })).toBe(false);
    expect(await vault.get(bob.id)).toMatchObject({ status: 'active', user: 'bob' });
    expect(loopback.servers.openai.validationRequests).toHaveLength(before);
  });

  it("still refuses another user's key when the store ignores the filter", async () => {
    const { store, bob, cipher } = await twoUsers();
    // A faulty store that returns every record whatever the filter.
    const careless: KeyRecordStore = { ...store, list: () => store.list() };
    const vault = createKeyVault({
      cipher,
      store: careless,
      validator: createKeyValidator({ baseURLs: loopback.baseURLs }),
      logger: false,
    });
    await vault.disable((await store.list({ user: 'alice' }))[0]?.id as string, 'gone');
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
    expect((await vault.resolve({ user: 'bob', provider: 'openai' }))?.keyId).toBe(bob.id);
  });
});

describe('revalidate, disable, enable, remove', () => {
  it('disables a key the provider now refuses, and never re-enables a caller-disabled key on its own', async () => {
    const { vault, events } = setup();
    const key = openaiKey();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: key });
    loopback.servers.openai.removeKey(key); // revoked at the provider
    const { key: after, validation } = await vault.revalidate(info.id);
    expect(validation).toMatchObject({ status: 'invalid', reason: 'invalid', httpStatus: 401 });
    expect(after).toMatchObject({ status: 'disabled', reason: 'invalid', disabledBy: 'validation' });
    expect(events).toContainEqual({
      type: 'key-disabled',
      keyId: info.id,
      provider: 'openai',
      user: 'alice',
      reason: 'invalid',
      by: 'validation',
    });
    loopback.servers.openai.setKey(key, 'valid');
    expect((await vault.revalidate(info.id)).key.status).toBe('active');
    const disabled = await vault.disable(info.id, 'left the team');
    expect(disabled).toMatchObject({ status: 'disabled', reason: 'left the team', disabledBy: 'caller' });
    expect((await vault.revalidate(info.id)).key).toMatchObject({
      status: 'disabled',
      reason: 'left the team',
    });
    const enabled = await vault.enable(info.id);
    expect(enabled.key).toMatchObject({ status: 'active' });
    expect(enabled.key.disabledBy).toBeUndefined();
    expect(events.filter((event) => event.type === 'key-enabled')).toHaveLength(2);
  });

  it('does not demote an active key when the check cannot run', async () => {
    const { vault } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    loopback.servers.openai.fail({ status: 503 });
    const { key, validation } = await vault.revalidate(info.id);
    expect(validation.status).toBe('unverified');
    expect(key).toMatchObject({ status: 'active', lastCheck: { status: 'unverified', reason: 'server' } });
  });

  it('removes the record and its cached key', async () => {
    const { vault, events } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await vault.resolve({ user: 'alice', provider: 'openai' });
    expect(await vault.remove(info.id)).toBe(true);
    expect(await vault.remove(info.id)).toBe(false);
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: 'key-removed', keyId: info.id, provider: 'openai', user: 'alice' });
  });

  it('drops the cached key as soon as a key is disabled', async () => {
    const { vault, cipher } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await vault.resolve({ user: 'alice', provider: 'openai' });
    await vault.disable(info.id, 'paused');
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
    await vault.enable(info.id); // decrypts to validate: the cache was empty
    expect(cipher.decrypts).toBe(2);
  });
});

describe('reportRejected() (the router after a 401/403)', () => {
  it('revalidates and disables a key the provider now refuses', async () => {
    const { vault, clock, events } = setup();
    const key = openaiKey();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: key });
    await clock.advance(60_000);
    loopback.servers.openai.removeKey(key);
    const outcome = await vault.reportRejected(info.id, {
      user: 'alice',
      provider: 'openai',
      httpStatus: 401,
    });
    expect(outcome).toMatchObject({
      keyId: info.id,
      provider: 'openai',
      user: 'alice',
      status: 'disabled',
      disabled: true,
      reason: 'invalid',
      checked: true,
      validation: { status: 'invalid', httpStatus: 401 },
    });
    expect(events.some((event) => event.type === 'key-disabled' && event.keyId === info.id)).toBe(true);
    expect(await vault.resolve({ user: 'alice', provider: 'openai' })).toBeUndefined();
  });

  it('shares one check between concurrent reports', async () => {
    const { vault, clock } = setup();
    const key = openaiKey();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: key });
    await clock.advance(60_000);
    loopback.servers.openai.removeKey(key);
    const before = loopback.servers.openai.validationRequests.length;
    const outcomes = await Promise.all(
      [1, 2, 3, 4].map(() => vault.reportRejected(info.id, { user: 'alice', provider: 'openai' })),
    );
    expect(loopback.servers.openai.validationRequests).toHaveLength(before + 1);
    expect(outcomes.every((outcome) => outcome.status === 'disabled')).toBe(true);
  });

  it('checks at the first rejection, then runs no check within rejectionRecheckMs of that one', async () => {
    const { vault, clock } = setup({ rejectionRecheckMs: 10_000 });
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    const before = loopback.servers.openai.validationRequests.length;
    // Validated a moment ago at add(), but a refusal now may mean it was revoked: check now.
    expect(await vault.reportRejected(info.id, { user: 'alice', provider: 'openai' })).toMatchObject({
      checked: true,
      status: 'active',
    });
    expect(loopback.servers.openai.validationRequests).toHaveLength(before + 1);
    await clock.advance(9_999);
    expect(await vault.reportRejected(info.id, { user: 'alice', provider: 'openai' })).toMatchObject({
      checked: false,
      disabled: false,
      status: 'active',
    });
    expect(loopback.servers.openai.validationRequests).toHaveLength(before + 1);
    await clock.advance(1);
    expect(await vault.reportRejected(info.id, { user: 'alice', provider: 'openai' })).toMatchObject({
      checked: true,
      disabled: false,
      status: 'active',
    });
  });

  it('keeps the key when the check cannot run (provider down)', async () => {
    const { vault, clock } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await clock.advance(60_000);
    await loopback.servers.openai.down();
    try {
      expect(await vault.reportRejected(info.id, { user: 'alice', provider: 'openai' })).toMatchObject({
        status: 'active',
        disabled: false,
        checked: true,
        validation: { status: 'unverified', reason: 'network' },
      });
    } finally {
      await loopback.servers.openai.up();
    }
  });
});

describe('rotateCipher() (master key rotation)', () => {
  it('re-encrypts every record under the new master key in one write', async () => {
    const oldMaster = generateMasterKey();
    const newMaster = generateMasterKey();
    const store = createMemoryKeyRecordStore();
    let batches = 0;
    const counting: KeyRecordStore = {
      ...store,
      putMany: (records) => {
        batches++;
        return store.putMany(records);
      },
    };
    const { vault } = setup({ cipher: createLocalCipher({ masterKey: oldMaster }), store: counting });
    const keys = [openaiKey(), openaiKey()];
    await vault.add({ provider: 'openai', user: 'alice', apiKey: keys[0] as string });
    await vault.add({ provider: 'openai', user: 'bob', apiKey: keys[1] as string });
    await vault.add({ provider: 'mistral', user: 'bob', apiKey: GOOD.mistral });
    await vault.resolve({ user: 'alice', provider: 'openai' }); // cached under the old cipher
    const before = await store.list();
    const result = await vault.rotateCipher(createLocalCipher({ masterKey: newMaster }));
    expect(result).toEqual({ reencrypted: 3, cipher: 'local-aes-256-gcm' });
    expect(batches).toBe(1);
    const after = await store.list();
    const oldOnly = createLocalCipher({ masterKey: oldMaster });
    for (const [index, record] of after.entries()) {
      expect(record.ciphertext).not.toBe(before[index]?.ciphertext);
      expect(await rejectionOf(oldOnly.decrypt(record.ciphertext))).toMatchObject({ kind: 'misconfigured' });
    }
    expect((await vault.resolve({ user: 'alice', provider: 'openai' }))?.apiKey.reveal()).toBe(keys[0]);
    expect((await vault.resolve({ user: 'bob', provider: 'mistral' }))?.apiKey.reveal()).toBe(GOOD.mistral);
    // A vault restarted with only the new key reads everything.
    const restarted = createKeyVault({
      cipher: createLocalCipher({ masterKey: newMaster }),
      store,
      validator: createKeyValidator({ baseURLs: loopback.baseURLs }),
      logger: false,
    });
    expect((await restarted.resolve({ user: 'bob', provider: 'openai' }))?.apiKey.reveal()).toBe(keys[1]);
  });

  it('writes nothing when any record cannot be decrypted', async () => {
    const { vault, store } = setup();
    const first = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await vault.add({ provider: 'openai', user: 'bob', apiKey: openaiKey() });
    const broken = (await store.get(first.id)) as KeyRecord;
    await store.put({ ...broken, ciphertext: `${broken.ciphertext.slice(0, -4)}AAAA` });
    const before = await store.list();
    const error = await rejectionOf(
      vault.rotateCipher(createLocalCipher({ masterKey: generateMasterKey() })),
    );
    expect(error).toMatchObject({ kind: 'integrity' });
    expect((error as Error).message).toContain(first.id);
    expect(await store.list()).toEqual(before);
    expect(vault.cipherName).toBe('local-aes-256-gcm');
  });
});

describe('settings and events', () => {
  it('names each bad setting', () => {
    try {
      createKeyVault({ store: createMemoryKeyRecordStore(), cacheTtlMs: -5, onInvalid: 'ignore' } as never);
      expect.unreachable();
    } catch (error) {
      expect(InvalidSettingsError.isInstance(error)).toBe(true);
      const settings = (error as InvalidSettingsError).issues.map((issue) => issue.setting).sort();
      expect(settings).toEqual(['cacheTtlMs', 'cipher', 'onInvalid', 'validator']);
    }
  });

  it('emits key-added and key-checked, and ignores a throwing listener', async () => {
    const { vault, events } = setup();
    const info = await vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() });
    await vault.revalidate(info.id);
    expect(events.map((event) => event.type)).toEqual(['key-added', 'key-checked']);
    const throwing = setup({
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect(
      (await throwing.vault.add({ provider: 'openai', user: 'alice', apiKey: openaiKey() })).status,
    ).toBe('active');
  });
});
