import { afterEach, describe, expect, test } from 'vitest';
import {
  AllCandidatesFailedError,
  createRouter,
  type KeyUnavailableEvent,
  type RouterSettings,
} from '../../src/index.ts';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { createFakeClock, startLiteLLMServer } from '../../src/testing/index.ts';
import { startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import { startProviderKeyServers } from '../../src/testing/loopback/provider-key-server.ts';
import type { KeyCipher } from '../../src/types/key-cipher.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';
import { createMemoryLogger } from '../helpers/gateways.ts';
import { GOOD, infisicalCipher, renderings } from './helpers.ts';

// Issue 10 item 7: under `byok: 'preferred'` a user's key the vault cannot hand out (a tampered
// record, a KMS outage) must not move the user's spend to the organisation unseen.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()?.();
});

const USER = 'user-a';
const LITELLM_KEY = 'sk-virtual-key-abcdef123456';
const ask = {
  model: 'openai/gpt-5.4-mini',
  user: USER,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

async function setup(cipher: KeyCipher, settings: Partial<RouterSettings> = {}) {
  const providers = await startProviderKeyServers({ openai: { [GOOD.openai]: 'valid' } });
  const litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY, acceptProviderKey: () => true });
  const store: KeyRecordStore = createMemoryKeyRecordStore();
  const vault = createKeyVault({
    cipher,
    store,
    validator: createKeyValidator({ baseURLs: providers.baseURLs }),
    logger: false,
    cacheTtlMs: 0,
  });
  const logger = createMemoryLogger();
  const router = createRouter({
    logger,
    keys: vault,
    gateways: { litellm: { baseURL: litellm.baseURL, apiKey: LITELLM_KEY }, openrouter: { enabled: false } },
    ...settings,
  });
  const events: KeyUnavailableEvent[] = [];
  router.on('key-unavailable', (event) => events.push(event));
  closers.push(providers.close, litellm.close, () => router.close());
  const key = await vault.add({ provider: 'openai', user: USER, apiKey: GOOD.openai });
  return { store, vault, router, litellm, logger, events, key };
}

/** Flips one byte of a record's ciphertext in the store, as an edit of the database would. */
async function tamper(store: KeyRecordStore, id: string): Promise<void> {
  const record = await store.get(id);
  if (!record) throw new Error('no record');
  const last = record.ciphertext.at(-2) === 'A' ? 'B' : 'A';
  await store.put({
    ...record,
    ciphertext: `${record.ciphertext.slice(0, -2)}${last}${record.ciphertext.at(-1)}`,
  });
}

describe('a BYOK key the vault cannot hand out', () => {
  test("preferred: a tampered record emits key-unavailable and marks the route and usage record; the organisation's key pays", async () => {
    const run = await setup(createLocalCipher({ masterKey: generateMasterKey() }));
    await tamper(run.store, run.key.id);

    const reply = await run.router.chat(ask);

    expect(run.litellm.chatRequests[0]?.body).not.toHaveProperty('api_key');
    expect(reply.route.keyId).toBe('gateway:litellm');
    expect(reply.route.byokFallback).toEqual({ keyId: run.key.id, reason: 'integrity' });
    expect(run.events).toHaveLength(1);
    expect(run.events[0]).toMatchObject({
      callId: reply.callId,
      user: USER,
      provider: 'openai',
      keyId: run.key.id,
      reason: 'integrity',
      organisationKeyUsed: true,
    });
    const [record] = await run.router.usage.query();
    expect(record).toMatchObject({
      keyId: 'gateway:litellm',
      byokFallback: { keyId: run.key.id, reason: 'integrity' },
    });
    const text = [run.events, record, reply, run.logger.lines]
      .flatMap((value) => renderings(value))
      .join('\n');
    expect(text).not.toContain(GOOD.openai);

    // A call the user's key can serve again carries no mark.
    const healthy = await setup(createLocalCipher({ masterKey: generateMasterKey() }));
    await healthy.router.chat(ask);
    expect((await healthy.router.usage.query())[0]).not.toHaveProperty('byokFallback');
    expect(healthy.events).toHaveLength(0);
  });

  test("required: the event fires and the provider's candidates are skipped, naming why", async () => {
    const run = await setup(createLocalCipher({ masterKey: generateMasterKey() }), { byok: 'required' });
    await tamper(run.store, run.key.id);
    const error = await run.router.chat(ask).catch((caught: unknown) => caught);
    expect(AllCandidatesFailedError.isInstance(error)).toBe(true);
    expect((error as AllCandidatesFailedError).errors[0]?.message).toContain('could not be used (integrity)');
    expect(run.events).toEqual([expect.objectContaining({ keyId: run.key.id, organisationKeyUsed: false })]);
    expect(run.litellm.chatRequests).toHaveLength(0);
  });

  test('the loopback Infisical down: key-unavailable with reason unavailable, the call served and marked', async () => {
    const infisical = await startInfisicalServer();
    closers.push(infisical.close);
    // The cipher's deadline runs on a fake clock: the outage is cut short by advancing it.
    const clock = createFakeClock();
    const cipher = infisicalCipher(infisical, infisical.createKey(), { clock, requestTimeoutMs: 5000 });
    const run = await setup(cipher);
    closers.push(() => run.vault.close());
    await infisical.down();

    const pending = run.router.chat(ask);
    await clock.waitForTimer((timer) => timer.delayMs === 5000);
    await clock.advance(5000);
    const reply = await pending;

    expect(reply.route.byokFallback).toEqual({ keyId: run.key.id, reason: 'unavailable' });
    expect(run.events).toEqual([
      expect.objectContaining({ keyId: run.key.id, reason: 'unavailable', organisationKeyUsed: true }),
    ]);
    expect(run.events[0]?.message).toContain('requestTimeoutMs=5000');
    expect((await run.router.usage.query())[0]?.byokFallback).toEqual({
      keyId: run.key.id,
      reason: 'unavailable',
    });
  });
});
