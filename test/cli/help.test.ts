import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ROOT, runCli } from './run-cli.ts';

const COMMANDS = [
  ['health'],
  ['models'],
  ['compare-costs'],
  ['keys', 'add'],
  ['keys', 'list'],
  ['keys', 'validate'],
  ['keys', 'disable'],
  ['keys', 'enable'],
  ['keys', 'remove'],
  ['keys', 'rotate-cipher'],
  ['usage', 'report'],
] as const;

const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };

describe('llm-router --help and --version', () => {
  test('the top-level help lists every command and the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^llm-router: /);
    for (const path of COMMANDS) expect(run.stdout).toContain(`  ${path.join(' ')} `);
    expect(run.stdout).toContain('Exit codes: 0 done; 1 the operation failed');
    expect(run.stderr).toBe('');
  });

  test.each(COMMANDS.map((path) => [path.join(' '), path]))(
    '%s --help shows its usage and flags',
    async (_name, path) => {
      const run = await runCli([...path, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith(`Usage: llm-router ${path.join(' ')}`)).toBe(true);
      expect(run.stdout).toContain('--help');
      expect(run.stdout).toContain('Exit codes:');
      expect(run.stderr).toBe('');
    },
  );

  test.each([['keys'], ['usage']])('the %s group lists its subcommands', async (group) => {
    const run = await runCli([group, '--help']);
    expect(run.code).toBe(0);
    const subcommands = COMMANDS.filter((path) => path[0] === group).map((path) => path[1] as string);
    for (const subcommand of subcommands) expect(run.stdout).toContain(`  ${subcommand} `);
  });

  test('-h works like --help, after other flags too', async () => {
    const run = await runCli(['compare-costs', '--input-tokens', '10', '-h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: llm-router compare-costs');
  });

  test('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  test('the help of each flag names its environment variable', async () => {
    const run = await runCli(['health', '--help']);
    expect(run.stdout).toMatch(/--litellm-url <url> +.*\(env LITELLM_BASE_URL\)/);
    expect(run.stdout).toMatch(/--openrouter-key-env <NAME> +.*OPENROUTER_API_KEY/);
  });
});

describe('a command line that cannot work exits 2 with one line saying why', () => {
  test.each([
    [['helth'], 'command "helth" is not a command of llm-router'],
    [[], 'a command is missing'],
    [['keys'], 'a subcommand is missing'],
    [['keys', 'ad'], 'command "ad" is not a command of llm-router keys'],
    [['models', '--colour'], 'flag "--colour" is not a flag of this command'],
    [['models', '--json=yes'], '--json takes no value'],
    [['compare-costs', '--input-tokens'], '--input-tokens needs a value <n>'],
    [['compare-costs', '--input-tokens', '--json'], '--input-tokens needs a value'],
    [['compare-costs', '--input-tokens', '1', '--input-tokens', '2'], '--input-tokens is given twice'],
    [['compare-costs', '--output-tokens', '5'], '--input-tokens: missing'],
    [
      ['compare-costs', '--input-tokens', '1.5', '--output-tokens', '5'],
      '--input-tokens: expected a whole number',
    ],
    [
      ['models', '--require', 'tools,wings'],
      '--require: expected a comma-separated list of tools, json, vision',
    ],
    [['models', 'extra'], 'Takes no arguments; 1 given'],
    [
      ['compare-costs', '--model', 'nope/x', '--input-tokens', '1', '--output-tokens', '1'],
      '--model: "nope/x" is not in the catalog',
    ],
    [
      ['usage', 'report', '--ledger', 'sqlite:/nonexistent/usage.db'],
      '--ledger (or LLM_ROUTER_LEDGER): no SQLite ledger',
    ],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('with --json the error is one JSON line on standard error', async () => {
    const run = await runCli(['models', '--min-context', 'lots', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: expect.objectContaining({
        name: 'CliUsageError',
        message: expect.stringContaining('--min-context'),
      }),
    });
  });

  test('--verbose adds the stack', async () => {
    const run = await runCli(['models', '--min-context', 'lots', '--verbose']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/at .*cli\.js/);
  });
});
