import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createKeyVault } from '../../src/keys/create-key-vault.ts';
import { KeyRecordConflictError } from '../../src/keys/key-record-conflict-error.ts';
import { createLocalCipher, generateMasterKey } from '../../src/keys/local-cipher.ts';
import { createMemoryKeyRecordStore } from '../../src/keys/memory-key-record-store.ts';
import { createFakeClock } from '../../src/testing/fake-clock.ts';
import type { KeyRecord } from '../../src/types/key-record.ts';
import type { KeyRecordStore } from '../../src/types/key-record-store.ts';
import type { KeyVaultEvent } from '../../src/types/key-vault.ts';

// A store shared by several processes refuses a write computed from a record another process
// changed since (`put(next, expected)` throws KeyRecordConflictError). The vault then reads the
// record again and redoes its change, once: a caller sees the conflict only when it happens twice.

/**
 * One process's view of a compare-and-set store over `shared` (what the PostgreSQL store does with
 * versions, here by content). `interleave`, when set, runs once just before this process's next
 * compare-and-set write: another process changing the record in between.
 */
function processView(shared: KeyRecordStore) {
  const view = {
    interleave: undefined as (() => Promise<void>) | undefined,
    casWrites: 0,
    store: {
      ...shared,
      async put(record: KeyRecord, expected?: KeyRecord) {
        if (expected === undefined) return shared.put(record);
        view.casWrites++;
        const other = view.interleave;
        view.interleave = undefined;
        await other?.();
        if (!isDeepStrictEqual(await shared.get(record.id), expected)) {
          throw new KeyRecordConflictError({ keyId: record.id, message: `${record.id} changed` });
        }
        return shared.put(record);
      },
    } satisfies KeyRecordStore,
  };
  return view;
}

function setup() {
  const shared = createMemoryKeyRecordStore();
  const cipher = createLocalCipher({ masterKey: generateMasterKey() });
  const clock = createFakeClock();
  const validator = { validate: async () => ({ status: 'valid' as const }) };
  const events: KeyVaultEvent[] = [];
  const mine = processView(shared);
  const vault = createKeyVault({
    cipher,
    store: mine.store,
    validator,
    clock,
    logger: false,
    onEvent: (event) => void events.push(event),
  });
  // Another process: its own vault on the same records.
  const theirs = createKeyVault({
    cipher,
    store: processView(shared).store,
    validator,
    clock,
    logger: false,
  });
  return { vault, theirs, mine, shared, clock, events };
}

describe('a key record changed by another process during a vault write', () => {
  it('revalidate() reads it again and checks it once more: the other process disabled it, and it stays so', async () => {
    const { vault, theirs, mine, clock, events } = setup();
    const { id } = await vault.add({ provider: 'openai', user: 'ada', apiKey: 'sk-test-0123456789abcdef' });
    await clock.advance(1_000);
    mine.interleave = async () => {
      await theirs.disable(id, 'theirs');
    };
    const { key } = await vault.revalidate(id);
    expect(mine.casWrites).toBe(2);
    expect(key).toMatchObject({ status: 'disabled', reason: 'theirs', disabledBy: 'caller' });
    expect(key.lastCheck?.at).toBe(clock.now());
    expect(await vault.get(id)).toEqual(key);
    expect(events.filter((event) => event.type === 'key-checked')).toHaveLength(1);
    expect(await vault.resolve({ user: 'ada', provider: 'openai' })).toBeUndefined();
  });

  it('disable() reads it again and disables it once more, keeping the other process change', async () => {
    const { vault, theirs, mine, clock } = setup();
    const { id } = await vault.add({ provider: 'openai', user: 'ada', apiKey: 'sk-test-0123456789abcdef' });
    await clock.advance(1_000);
    mine.interleave = async () => {
      await theirs.revalidate(id);
    };
    const disabled = await vault.disable(id, 'mine');
    expect(mine.casWrites).toBe(2);
    expect(disabled).toMatchObject({ status: 'disabled', reason: 'mine', lastCheck: { at: clock.now() } });
    // Still sealed and usable by enable(): nothing the other process wrote was lost or broken.
    expect((await vault.enable(id)).key.status).toBe('active');
    expect((await vault.resolve({ user: 'ada', provider: 'openai' }))?.keyId).toBe(id);
  });

  it('a second conflict in a row reaches the caller, retryable, and nothing of this process is written', async () => {
    const { vault, theirs, mine } = setup();
    const { id } = await vault.add({ provider: 'openai', user: 'ada', apiKey: 'sk-test-0123456789abcdef' });
    let round = 0;
    const changeEachTime = async () => {
      await theirs.disable(id, `theirs ${++round}`);
      mine.interleave = changeEachTime;
    };
    mine.interleave = changeEachTime;
    const error = await vault.disable(id, 'mine').catch((caught: unknown) => caught);
    expect(KeyRecordConflictError.isInstance(error) && error.isRetryable).toBe(true);
    expect(mine.casWrites).toBe(2);
    expect(await vault.get(id)).toMatchObject({ status: 'disabled', reason: 'theirs 2' });
  });
});
