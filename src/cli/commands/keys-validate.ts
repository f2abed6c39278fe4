import type { KeyCheckResult } from '@bestviable/llm-router';
import type { CommandSpec } from '../command.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { flagError } from '../flags.ts';
import { VALIDATION_OPTIONS, VAULT_OPTIONS } from '../options/vault-options.ts';
import { checkTable } from './key-table.ts';
import { SCOPE_OPTIONS, scopeOf, withVault } from './with-vault.ts';

/** `llm-router keys validate`: `vault.revalidate()` or `vault.revalidateUnverified()`. */
export const keysValidateCommand: CommandSpec = {
  path: ['keys', 'validate'],
  summary: 'Check a stored key with its provider again (or every unverified key) and update its status.',
  details: [
    'Valid: active (unless it was disabled by hand). Invalid or out of credit: disabled. Not checkable: unchanged.',
    'Exits 0 when every key checked is valid, 1 when one is invalid or could not be checked.',
  ],
  positionals: [
    { name: 'key-id', description: 'The key to check (key_…); or pass --unverified.', required: false },
  ],
  options: {
    unverified: { type: 'boolean', description: 'Check every key whose status is unverified.' },
    ...SCOPE_OPTIONS,
    ...VAULT_OPTIONS,
    ...VALIDATION_OPTIONS,
  },
  examples: [
    'llm-router keys validate key_3f1c0a… --store file:./byok-keys.json',
    'llm-router keys validate --unverified --json',
  ],
  async run(context) {
    const { io, flags, json, positionals } = context;
    const id = positionals[0];
    const all = flags.boolean('unverified');
    if ((id === undefined) === !all)
      throw flagError(flags, 'unverified', 'pass either a key id or --unverified (one of them).');
    return withVault(context, async (vault) => {
      const results: readonly KeyCheckResult[] =
        id === undefined
          ? await vault.revalidateUnverified()
          : [await vault.revalidate(id, scopeOf(context))];
      io.out(json ? `${JSON.stringify(results, null, 2)}\n` : checkTable(results));
      return results.every((result) => result.validation.status === 'valid')
        ? EXIT_CODES.ok
        : EXIT_CODES.failed;
    });
  },
};

/** `llm-router keys enable`: `vault.enable()`. */
export const keysEnableCommand: CommandSpec = {
  path: ['keys', 'enable'],
  summary: 'Check a disabled key with its provider and make it active again if the provider accepts it.',
  details: ['Exits 0 when the key is active afterwards, 1 otherwise (refused, or the check could not run).'],
  positionals: [{ name: 'key-id', description: 'The key to enable (key_…).', required: true }],
  options: { ...SCOPE_OPTIONS, ...VAULT_OPTIONS, ...VALIDATION_OPTIONS },
  examples: ['llm-router keys enable key_3f1c0a… --store file:./byok-keys.json'],
  async run(context) {
    const { io, json, positionals } = context;
    return withVault(context, async (vault) => {
      const result = await vault.enable(positionals[0] as string, scopeOf(context));
      io.out(json ? `${JSON.stringify(result, null, 2)}\n` : checkTable([result]));
      return result.key.status === 'active' ? EXIT_CODES.ok : EXIT_CODES.failed;
    });
  },
};
