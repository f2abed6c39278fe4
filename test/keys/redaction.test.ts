import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { createFileKeyRecordStore } from '../../src/keys/file-key-record-store.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createKeyValidator } from '../../src/keys/validation/create-key-validator.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import { type InfisicalServer, startInfisicalServer } from '../../src/testing/loopback/infisical-server.ts';
import {
  type ProviderKeyServers,
  startProviderKeyServers,
} from '../../src/testing/loopback/provider-key-server.ts';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyVaultEvent } from '../../src/types/key-vault.ts';
import { captureLogger, GOOD, infisicalCipher, renderings } from './helpers.ts';

// One whole run of the vault (add, resolve, revalidate, rejection, disable, rotation and their
// failures), with everything it hands out captured: return values, errors, events, log lines and
// the record file. None may contain a key, in any rendering.

const VICTIM = 'byok-victim-openai-5c4b3a29f8e7d6c1';
const VICTIM_ANTHROPIC = 'byok-victim-anthropic-0f1e2d3c4b5a6978';
const REVOKED = 'byok-victim-revoked-9a8b7c6d5e4f3a2b';
const REFUSED = 'byok-victim-refused-1122334455667788';
const SECRETS = [VICTIM, VICTIM_ANTHROPIC, REVOKED, REFUSED, GOOD.mistral];

let loopback: ProviderKeyServers;
let infisical: InfisicalServer;
let directory: string;
beforeAll(async () => {
  loopback = await startProviderKeyServers({
    openai: { [VICTIM]: 'valid', [REVOKED]: 'valid' },
    anthropic: { [VICTIM_ANTHROPIC]: 'valid' },
    mistral: { [GOOD.mistral]: 'valid' },
  });
  infisical = await startInfisicalServer();
  directory = await mkdtemp(join(tmpdir(), 'key-redaction-'));
});
afterAll(async () => {
  await loopback.close();
  await infisical.close();
  await rm(directory, { recursive: true, force: true });
});

describe('redaction: a full vault run leaks no key', () => {
  it('keeps every key out of returns, errors, events, logs and the record file', async () => {
    const captured: unknown[] = [];
    const keep = async <T>(work: Promise<T>): Promise<T | undefined> => {
      try {
        const value = await work;
        captured.push(value);
        return value;
      } catch (error) {
        captured.push(error);
        return undefined;
      }
    };
    const clock = createFakeClock();
    const logger = captureLogger();
    const events: KeyVaultEvent[] = [];
    const kmsKey = infisical.createKey();
    const path = join(directory, 'keys.json');
    const store = createFileKeyRecordStore({ path });
    const vault = createKeyVault({
      cipher: infisicalCipher(infisical, kmsKey, { clock }),
      store,
      validator: createKeyValidator({ baseURLs: loopback.baseURLs, clock }),
      clock,
      logger,
      onEvent: (event) => void events.push(event),
    });

    const alice = await keep(vault.add({ provider: 'openai', user: 'alice', apiKey: VICTIM, label: 'main' }));
    const aliceAnthropic = await keep(
      vault.add({ provider: 'anthropic', user: 'alice', apiKey: VICTIM_ANTHROPIC }),
    );
    const revoked = await keep(vault.add({ provider: 'openai', user: 'carol', apiKey: REVOKED }));
    // An owner who pastes the key into the label as well.
    await keep(
      vault.add({ provider: 'mistral', user: 'frank', apiKey: GOOD.mistral, label: `mine ${GOOD.mistral}` }),
    );
    await keep(vault.add({ provider: 'openai', user: 'dave', apiKey: REFUSED })); // invalid-key error
    await keep(vault.add({ provider: 'openai', user: 'dave', apiKey: REFUSED }, { onInvalid: 'disable' }));
    // The provider echoes the key in its error message.
    loopback.servers.openai.fail({ status: 401, message: `Incorrect API key provided: ${REFUSED}` });
    await keep(vault.add({ provider: 'openai', user: 'erin', apiKey: REFUSED }));
    loopback.servers.openai.fail({ status: 500, message: `upstream failed for key ${VICTIM}` });
    await keep(vault.revalidate(alice?.id as string));
    const resolved = await keep(vault.resolve({ user: 'alice', provider: 'openai' }));
    expect(resolved?.apiKey.reveal()).toBe(VICTIM); // the run really handled the key
    await keep(vault.resolve({ user: 'alice', provider: 'anthropic' }));
    await keep(vault.list());
    await keep(vault.get(alice?.id as string));
    await keep(vault.revalidate(aliceAnthropic?.id as string));
    await clock.advance(120_000);
    loopback.servers.openai.removeKey(REVOKED);
    await keep(
      vault.reportRejected(revoked?.id as string, { user: 'carol', provider: 'openai', httpStatus: 401 }),
    );
    await keep(vault.disable(alice?.id as string, `contains ${VICTIM} by mistake`));
    await keep(vault.enable(alice?.id as string));
    // Failures from Infisical: an outage, an expired token (re-login), then bad credentials.
    infisical.fail({ status: 500 }, { route: 'decrypt' });
    await keep(vault.resolve({ user: 'alice', provider: 'anthropic', keyId: aliceAnthropic?.id as string }));
    await clock.advance(120_000);
    infisical.expireTokens();
    await keep(vault.resolve({ user: 'alice', provider: 'anthropic' }));
    // A ciphertext moved from Alice's record into Carol's.
    const aliceRecord = (await store.get(alice?.id as string)) as KeyRecord;
    const carolRecord = (await store.get(revoked?.id as string)) as KeyRecord;
    await store.put({ ...carolRecord, status: 'active', ciphertext: aliceRecord.ciphertext });
    await keep(vault.resolve({ user: 'carol', provider: 'openai' }));
    await keep(vault.rotateCipher(createLocalCipher({ masterKey: generateMasterKey() })));
    await store.put(carolRecord);
    await keep(vault.rotateCipher(createLocalCipher({ masterKey: generateMasterKey() })));
    await keep(vault.resolve({ user: 'alice', provider: 'openai' }));
    await keep(vault.remove(aliceAnthropic?.id as string));

    const kinds = captured
      .filter((item) => item instanceof Error)
      .map((error) => (error as { kind?: string }).kind);
    // The run went through the failure paths it meant to.
    expect(kinds).toEqual(['invalid-key', 'invalid-key', 'unavailable', 'integrity', 'integrity']);
    expect(events.map((event) => event.type)).toContain('key-disabled');
    expect(logger.lines.length).toBeGreaterThan(0);

    const everything = [...captured, ...events, ...logger.lines];
    const files = await Promise.all(
      (await readdir(directory)).map((name) => readFile(join(directory, name), 'utf8')),
    );
    const texts = [...everything.flatMap((item) => renderings(item)), ...files];
    for (const secret of SECRETS) {
      for (const text of texts) {
        expect(text.includes(secret), `${secret} leaked in: ${text.slice(0, 300)}`).toBe(false);
        expect(text.includes(Buffer.from(secret).toString('base64'))).toBe(false);
      }
    }
    for (const text of texts) {
      expect(text).not.toContain(infisical.identity.clientSecret);
      expect(text).not.toContain('[URL=');
    }
  });
});
