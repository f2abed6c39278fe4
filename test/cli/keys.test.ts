import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  type InfisicalServer,
  type ProviderKeyServer,
  startInfisicalServer,
  startProviderKeyServer,
} from '../../src/testing/index.ts';
import { type CliRun, masterKey, runCli } from './run-cli.ts';

// Test keys that match no provider's format: a leak must be caught by value, not by pattern.
const GOOD = 'cli-openai-good-6c1e0f93a7b24d58';
const RESTRICTED = 'cli-openai-restricted-0a9b8c7d6e5f';
const REFUSED = 'cli-openai-refused-f1e2d3c4b5a69788';

let openai: ProviderKeyServer;
let directory: string;
let store: string;
let env: Record<string, string>;

/** `llm-router keys …` on the test's store, with the key server as OpenAI's API root. */
function keys(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const validation = ['add', 'validate', 'enable'].includes(args[0] ?? '')
    ? ['--provider-base-url', `openai=${openai.baseURL}`]
    : [];
  return runCli(['keys', ...args, '--store', `file:${store}`, ...validation], {
    env: { ...env, ...options.env },
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

function expectNoKey(run: CliRun, ...secrets: string[]): void {
  for (const secret of secrets) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

async function addGood(user = 'user-42'): Promise<string> {
  const run = await keys(['add', '--provider', 'openai', '--user', user, '--label', 'work', '--json'], {
    input: `${GOOD}\n`,
  });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout).id as string;
}

beforeAll(async () => {
  openai = await startProviderKeyServer({
    provider: 'openai',
    keys: { [GOOD]: 'valid', [RESTRICTED]: 'restricted' },
  });
});
afterAll(async () => {
  await openai.close();
});
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'llm-router-cli-keys-'));
  store = join(directory, 'byok-keys.json');
  env = { LLM_ROUTER_MASTER_KEY: masterKey() };
  openai.clearFaults();
  return () => rmSync(directory, { recursive: true, force: true });
});

describe('llm-router keys add', () => {
  test('reads the key from standard input, validates it with the provider and stores only ciphertext', async () => {
    const run = await keys(['add', '--provider', 'openai', '--user', 'user-42', '--label', 'work'], {
      input: `${GOOD}\n`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID +PROVIDER +USER +LABEL +ENDS +STATUS +REASON +CREATED +VALIDATED$/m);
    expect(run.stdout).toMatch(
      new RegExp(`^key_\\w+ +openai +user-42 +work +…${GOOD.slice(-4)} +active `, 'm'),
    );
    expectNoKey(run, GOOD);
    expect(openai.validationRequests.at(-1)?.headers.authorization).toBe(`Bearer ${GOOD}`);
    const file = readFileSync(store, 'utf8');
    expect(file).not.toContain(GOOD);
    expect(JSON.parse(file).records).toHaveLength(1);
  });

  test('a key the provider refuses: nothing stored, exit 1, one line without the key', async () => {
    const run = await keys(['add', '--provider', 'openai', '--user', 'user-42'], { input: REFUSED });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^llm-router keys add: KeyVaultError \(invalid-key\): .*nothing was stored\.\n$/,
    );
    expectNoKey(run, REFUSED);
    const list = await keys(['list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  test('--on-invalid disable stores a refused key disabled and exits 1; --verbose shows no key either', async () => {
    const run = await keys(
      ['add', '--provider', 'openai', '--user', 'user-42', '--on-invalid', 'disable', '--json', '--verbose'],
      {
        input: REFUSED,
      },
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'disabled',
      reason: 'invalid',
      last4: REFUSED.slice(-4),
    });
    expectNoKey(run, REFUSED);
  });

  test('a provider that cannot be reached stores the key unverified, with a warning, exit 0', async () => {
    openai.fail({ status: 503 });
    const run = await keys(['add', '--provider', 'openai', '--user', 'user-42'], { input: GOOD });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ unverified +server /);
    expect(run.stderr).toMatch(/^llm-router: warning: key_\w+ is stored unverified \(server\)/);
    expectNoKey(run, GOOD);
  });

  test.each([
    ['--key', ['--key', GOOD]],
    ['--key=', [`--key=${GOOD}`]],
    ['--api-key', ['--api-key', GOOD]],
    ['--openrouter-key', [`--openrouter-key=${GOOD}`]],
    ['--token', ['--token', GOOD]],
  ])(
    '%s is refused with exit 2, before anything is read or sent, and its value never shown',
    async (_flag, flags) => {
      const before = openai.validationRequests.length;
      const run = await keys(['add', '--provider', 'openai', '--user', 'user-42', ...flags]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('is refused: keys are never taken from the command line');
      expect(run.stderr).toContain('Pipe the key on standard input');
      expectNoKey(run, GOOD);
      expect(openai.validationRequests.length).toBe(before);
    },
  );

  test('a key given as an argument is refused without being repeated', async () => {
    const run = await keys(['add', GOOD, '--provider', 'openai', '--user', 'user-42']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not repeated here, in case one is a key');
    expectNoKey(run, GOOD);
  });

  test.each([
    ['nothing on standard input', '', 'no key on standard input'],
    ['two lines', `${GOOD}\n${GOOD}\n`, 'standard input holds several lines'],
  ])('%s: exit 2', async (_case, input, message) => {
    const run = await keys(['add', '--provider', 'openai', '--user', 'user-42'], { input });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expectNoKey(run, GOOD);
  });

  test.each([
    [['--user', 'u'], '--provider: missing'],
    [['--provider', 'openai'], '--user: missing'],
    [
      ['--provider', 'acme', '--user', 'u'],
      '--provider: expected one of openai, anthropic, google, cohere, mistral',
    ],
    [
      ['--provider', 'openai', '--user', 'u', '--provider-base-url', 'acme=http://x'],
      '--provider-base-url: expected <provider>=<url>',
    ],
  ])('bad flags %j: exit 2', async (args, message) => {
    const run = await keys(['add', ...args], { input: GOOD });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  test('the local cipher needs its master key; a wrong-sized one is refused without being shown', async () => {
    const missing = await runCli(['keys', 'list', '--store', `file:${store}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the local cipher needs a master key in LLM_ROUTER_MASTER_KEY');
    const short = 'c2hvcnQtbWFzdGVyLWtleQ==';
    const wrong = await runCli(
      ['keys', 'list', '--store', `file:${store}`, '--master-key-env', 'MY_MASTER'],
      {
        env: { MY_MASTER: short },
      },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--master-key-env: MY_MASTER: expected 32 random bytes');
    expect(wrong.stderr).not.toContain(short);
  });

  test('--store is required, and must name its kind', async () => {
    const none = await runCli(['keys', 'list'], { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--store (or LLM_ROUTER_KEY_STORE): missing');
    const bare = await runCli(['keys', 'list', '--store', store], { env });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('expected file:<path>, postgres://… or postgres:');
    const fromEnv = await runCli(['keys', 'list', '--json'], {
      env: { ...env, LLM_ROUTER_KEY_STORE: `file:${store}` },
    });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toEqual([]);
  });
});

describe('llm-router keys list, validate, disable, enable, remove', () => {
  test('list shows metadata only, filtered by user, provider and status', async () => {
    const first = await addGood('user-42');
    const second = await addGood('user-7');
    const all = await keys(['list']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(first);
    expect(all.stdout).toContain(second);
    expectNoKey(all, GOOD);
    const mine = await keys([
      'list',
      '--user',
      'user-7',
      '--provider',
      'openai',
      '--status',
      'active',
      '--json',
    ]);
    expect(JSON.parse(mine.stdout).map((key: { id: string }) => key.id)).toEqual([second]);
    const none = await keys(['list', '--status', 'disabled']);
    expect(none.stdout).toBe('No keys.\n');
  });

  test('validate: exit 0 when the provider accepts the key, 1 when it cannot be checked', async () => {
    const id = await addGood();
    const valid = await keys(['validate', id]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(new RegExp(`^${id} +openai +user-42 +valid +- +200 +active$`, 'm'));
    openai.fail({ reset: true });
    const unverified = await keys(['validate', id, '--json']);
    expect(unverified.code).toBe(1);
    expect(JSON.parse(unverified.stdout)[0]).toMatchObject({
      validation: { status: 'unverified', reason: 'network' },
    });
  });

  test('validate a key the provider now refuses: disabled, exit 1', async () => {
    const id = await addGood();
    openai.removeKey(GOOD);
    try {
      const run = await keys(['validate', id]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(`^${id} +openai +user-42 +invalid +invalid +401 +disabled$`, 'm'),
      );
      expectNoKey(run, GOOD);
    } finally {
      openai.setKey(GOOD, 'valid');
    }
  });

  test('validate --unverified checks every unverified key', async () => {
    openai.fail({ status: 503 }, { times: 2 });
    await addGood('user-1');
    await addGood('user-2');
    const run = await keys(['validate', '--unverified', '--json']);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout);
    expect(
      results.map((result: { key: { user: string; status: string } }) => [
        result.key.user,
        result.key.status,
      ]),
    ).toEqual([
      ['user-1', 'active'],
      ['user-2', 'active'],
    ]);
  });

  test("validate needs a key id or --unverified; another user's key is not found", async () => {
    const id = await addGood('user-42');
    const neither = await keys(['validate']);
    expect(neither.code).toBe(2);
    const other = await keys(['validate', id, '--user', 'user-7']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('KeyVaultError (not-found)');
  });

  test('disable, then enable after checking with the provider, then remove', async () => {
    const id = await addGood();
    const disabled = await keys(['disable', id, '--reason', 'left the team', '--json']);
    expect(disabled.code).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({
      id,
      status: 'disabled',
      reason: 'left the team',
      disabledBy: 'caller',
    });
    const enabled = await keys(['enable', id]);
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toMatch(new RegExp(`^${id} .* valid .* active$`, 'm'));
    const removed = await keys(['remove', id]);
    expect(removed).toMatchObject({ code: 0, stdout: `Removed ${id}.\n` });
    const again = await keys(['remove', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no such key');
  });
});

describe('llm-router keys rotate-cipher', () => {
  test('re-encrypts under a new master key: the old one no longer decrypts, the new one does', async () => {
    const id = await addGood();
    const before = readFileSync(store, 'utf8');
    const next = masterKey();
    const run = await keys(
      ['rotate-cipher', '--cipher', 'local', '--to-cipher', 'local', '--to-master-key-env', 'NEW_MASTER_KEY'],
      {
        env: { NEW_MASTER_KEY: next },
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Re-encrypted 1 key(s) with local-aes-256-gcm. Use this cipher from now on.\n');
    expectNoKey(run, next, env.LLM_ROUTER_MASTER_KEY as string);
    expect(readFileSync(store, 'utf8')).not.toBe(before);
    const old = await keys(['validate', id]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('KeyVaultError (misconfigured)');
    const renewed = await keys(['validate', id], { env: { LLM_ROUTER_MASTER_KEY: next } });
    expect(renewed.code).toBe(0);
  });

  test('--to-cipher and, for local, --to-master-key-env are required', async () => {
    const noTarget = await keys(['rotate-cipher']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('--to-cipher: missing');
    const noKey = await keys(['rotate-cipher', '--to-cipher', 'local']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--to-master-key-env: missing');
  });
});

describe('the Infisical cipher, configured from INFISICAL_* variables', () => {
  let infisical: InfisicalServer;
  let infisicalEnv: Record<string, string>;

  beforeAll(async () => {
    infisical = await startInfisicalServer();
    const key = infisical.createKey();
    infisicalEnv = {
      INFISICAL_SITE_URL: infisical.siteUrl,
      INFISICAL_CLIENT_ID: infisical.identity.clientId,
      INFISICAL_CLIENT_SECRET: infisical.identity.clientSecret,
      INFISICAL_KMS_KEY_ID: key.id,
    };
  });
  afterAll(async () => {
    await infisical.close();
  });

  test('is the default when INFISICAL_CLIENT_ID is set: add, then validate through the KMS', async () => {
    const added = await keys(['add', '--provider', 'openai', '--user', 'user-42', '--json'], {
      input: GOOD,
      env: infisicalEnv,
    });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const key = JSON.parse(added.stdout);
    expect(key.cipher).toBe('infisical-kms');
    expect(readFileSync(store, 'utf8')).toContain('"ciphertext": "ik1.');
    expect(infisical.requestsTo('encrypt').length).toBeGreaterThan(0);
    const validated = await keys(['validate', key.id], { env: infisicalEnv });
    expect(validated.code).toBe(0);
    expect(infisical.requestsTo('decrypt').length).toBeGreaterThan(0);
    expectNoKey(added, GOOD, infisical.identity.clientSecret);
  });

  test('moves local-cipher records to Infisical with rotate-cipher', async () => {
    const id = await addGood();
    const run = await keys(['rotate-cipher', '--cipher', 'local', '--to-cipher', 'infisical'], {
      env: infisicalEnv,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('with infisical-kms');
    const list = await keys(['list', '--json'], { env: infisicalEnv });
    expect(JSON.parse(list.stdout)).toMatchObject([{ id, cipher: 'infisical-kms' }]);
    const validated = await keys(['validate', id], { env: infisicalEnv });
    expect(validated.code).toBe(0);
  });

  test('missing Infisical settings: exit 2 naming the variables, not their values', async () => {
    const run = await keys(['list', '--cipher', 'infisical'], {
      env: { INFISICAL_CLIENT_SECRET: infisical.identity.clientSecret },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('INFISICAL_CLIENT_ID');
    expect(run.stderr).not.toContain(infisical.identity.clientSecret);
  });

  test('Infisical refusing the identity fails the operation (exit 1) without showing the secret', async () => {
    const run = await keys(['add', '--provider', 'openai', '--user', 'user-42'], {
      input: GOOD,
      env: { ...infisicalEnv, INFISICAL_CLIENT_SECRET: 'wrong-secret-0123456789abcdef' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^llm-router keys add: KeyVaultError \(unauthorized\): /);
    expectNoKey(run, GOOD, 'wrong-secret-0123456789abcdef');
  });
});
