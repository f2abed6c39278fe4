import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChatServer, startLiteLLMServer, startOpenRouterServer } from '../../src/testing/index.ts';
import { runCli } from './run-cli.ts';

const LITELLM_KEY = 'sk-litellm-virtual-key-7d2e91c4';
const OPENROUTER_KEY = 'sk-or-v1-cli-health-4b8f0e2a61';

let litellm: ChatServer;
let openrouter: ChatServer;

beforeAll(async () => {
  litellm = await startLiteLLMServer({ apiKey: LITELLM_KEY });
  openrouter = await startOpenRouterServer({ apiKey: OPENROUTER_KEY });
});
afterAll(async () => {
  await litellm.close();
  await openrouter.close();
});

describe('llm-router health', () => {
  test('every gateway up: a table of checks, exit 0; the keys come from the environment and never show', async () => {
    const run = await runCli(['health', '--openrouter-url', openrouter.baseURL], {
      env: {
        LITELLM_BASE_URL: litellm.baseURL,
        LITELLM_API_KEY: LITELLM_KEY,
        OPENROUTER_API_KEY: OPENROUTER_KEY,
      },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^GATEWAY +STATE +CHECK +HTTP +LATENCY +ERROR$/m);
    expect(run.stdout).toMatch(/^litellm +ok +liveliness +200 /m);
    expect(run.stdout).toMatch(/^litellm +ok +readiness +200 /m);
    expect(run.stdout).toMatch(/^openrouter +ok +key +200 /m);
    expect(run.stdout).toContain('All gateways answered.');
    expect(run.stdout + run.stderr).not.toContain(LITELLM_KEY);
    expect(run.stdout + run.stderr).not.toContain(OPENROUTER_KEY);
    // OpenRouter's key check carried the key from the environment.
    expect(
      openrouter.requests.some((request) => request.headers.authorization === `Bearer ${OPENROUTER_KEY}`),
    ).toBe(true);
  });

  test('--litellm-key-env and --openrouter-key-env name other variables', async () => {
    const run = await runCli(
      [
        'health',
        '--litellm-url',
        litellm.baseURL,
        '--litellm-key-env',
        'TEAM_LITELLM',
        '--openrouter-url',
        openrouter.baseURL,
        '--openrouter-key-env',
        'TEAM_OPENROUTER',
        '--json',
      ],
      { env: { TEAM_LITELLM: LITELLM_KEY, TEAM_OPENROUTER: OPENROUTER_KEY } },
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.gateways.map((gateway: { gateway: string }) => gateway.gateway)).toEqual([
      'litellm',
      'openrouter',
    ]);
    expect(report.breakers).toEqual([]);
    expect(run.stdout).not.toContain(OPENROUTER_KEY);
  });

  test('without an OpenRouter key only LiteLLM is checked', async () => {
    const run = await runCli(['health', '--litellm-url', litellm.baseURL, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).gateways.map((gateway: { gateway: string }) => gateway.gateway)).toEqual([
      'litellm',
    ]);
  });

  test('LiteLLM down: the table says so and the exit code is 1', async () => {
    litellm.down();
    try {
      const run = await runCli(['health', '--litellm-url', litellm.baseURL]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^litellm +DOWN +liveliness /m);
      expect(run.stdout).toContain('A gateway did not answer its checks.');
    } finally {
      litellm.up();
    }
  });

  test('a refused OpenRouter key exits 1 and is not printed', async () => {
    const wrong = 'sk-or-v1-wrong-key-0000000000';
    const run = await runCli(
      ['health', '--litellm-url', litellm.baseURL, '--openrouter-url', openrouter.baseURL, '--json'],
      {
        env: { OPENROUTER_API_KEY: wrong },
      },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.gateways[1]).toMatchObject({
      gateway: 'openrouter',
      ok: false,
      checks: { key: { status: 401 } },
    });
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  test.each([
    [
      ['--litellm-url', 'ftp://example.com'],
      {},
      '--litellm-url (or LITELLM_BASE_URL): expected an http(s) URL',
    ],
    [
      ['--litellm-key-env', 'UNSET_VARIABLE'],
      {},
      '--litellm-key-env: the environment variable UNSET_VARIABLE is not set',
    ],
    [['--litellm-key-env', 'sk-not-a-variable-name'], {}, 'expected the name of an environment variable'],
    [['--openrouter-url', 'http://127.0.0.1:9'], {}, 'OpenRouter needs a key: set OPENROUTER_API_KEY'],
    [['--timeout-ms', '0'], {}, '--timeout-ms: expected a whole number of 1 or more'],
  ])('bad settings %j exit 2', async (args, env, message) => {
    const run = await runCli(['health', ...args], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
