import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ProviderKeyServer, startProviderKeyServer } from '../../src/testing/index.ts';
import { CLI, masterKey, ROOT } from './run-cli.ts';

// The prompt needs a terminal: util-linux `script` runs the built binary on a pseudo-terminal, and
// the test types only once the prompt is shown (as a person would), so any echo would be the CLI's.
const hasScript = spawnSync('script', ['--version']).status === 0;

const KEY = 'cli-prompt-typed-key-5a4b3c2d1e0f';

let openai: ProviderKeyServer;
let directory: string;

beforeAll(async () => {
  openai = await startProviderKeyServer({ provider: 'openai', keys: { [KEY]: 'valid' } });
  directory = mkdtempSync(join(tmpdir(), 'llm-router-cli-prompt-'));
});
afterAll(async () => {
  await openai.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `keys add` on a pseudo-terminal; types `typed` once the prompt appears. */
function addOnTerminal(typed: string, store: string): Promise<{ code: number | null; transcript: string }> {
  const command = [
    'exec',
    JSON.stringify(process.execPath),
    JSON.stringify(CLI),
    'keys add --provider openai --user user-42',
    `--store ${JSON.stringify(`file:${store}`)}`,
    `--provider-base-url openai=${openai.baseURL}`,
  ].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SHELL: '/bin/sh',
        TERM: 'dumb',
        LLM_ROUTER_MASTER_KEY: masterKey(),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let transcript = '';
    let typedYet = false;
    const onOutput = (chunk: Buffer) => {
      transcript += chunk.toString('utf8');
      if (!typedYet && transcript.includes('(input hidden): ')) {
        typedYet = true;
        child.stdin.write(typed);
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, transcript }));
  });
}

describe.runIf(hasScript)('llm-router keys add at a terminal', () => {
  test('prompts on the terminal with echo off; the typed key is stored and never shown', async () => {
    const store = join(directory, 'typed.json');
    // Characters typed, one erased with Backspace, then Enter.
    const { code, transcript } = await addOnTerminal(`${KEY}x\u007f\r`, store);
    expect(code).toBe(0);
    expect(transcript).toContain('openai API key for user-42 (input hidden): ');
    expect(transcript).toMatch(new RegExp(`key_\\w+ +openai +user-42 +- +…${KEY.slice(-4)} +active`));
    expect(transcript).not.toContain(KEY);
    expect(transcript).not.toContain(KEY.slice(0, 12));
    expect(openai.validationRequests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(readFileSync(store, 'utf8')).not.toContain(KEY);
  });

  test('Ctrl-C at the prompt stores nothing and exits 130', async () => {
    const store = join(directory, 'interrupted.json');
    const { code, transcript } = await addOnTerminal('half-a-key\u0003', store);
    expect(code).toBe(130);
    expect(transcript).toContain('interrupted: nothing was changed.');
    expect(transcript).not.toContain('half-a-key');
    expect(() => readFileSync(store)).toThrow();
  });
});
