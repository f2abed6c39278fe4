import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { GLOBAL_OPTIONS } from '../../src/cli/parse-command-line.ts';
import { ROOT } from './run-cli.ts';

// Operators drive the command from the README: every command, flag and environment variable it
// reads must be documented there.
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const start = readme.indexOf('## Command line: `llm-router`');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

describe('the README documents the llm-router command', () => {
  test.each(COMMANDS.map((command) => [command.path.join(' '), command]))(
    '%s and its flags',
    (name, command) => {
      expect(section).toContain(`\`${name}`);
      for (const [flag, spec] of Object.entries(command.options)) {
        expect(section, `--${flag} of ${name}`).toContain(`--${flag}`);
        if (spec.env) expect(section, `${spec.env} of --${flag}`).toContain(spec.env);
      }
    },
  );

  test('the flags of every command and the exit codes', () => {
    for (const flag of Object.keys(GLOBAL_OPTIONS)) expect(section).toContain(`--${flag}`);
    for (const code of ['0', '1', '2', '130'])
      expect(section).toMatch(new RegExp(`^\\| \`${code}\` \\| `, 'm'));
  });
});
