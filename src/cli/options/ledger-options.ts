import { existsSync } from 'node:fs';
import type { UsageTracker } from '@bestviable/llm-router';
import { createSqliteUsageTracker } from '@bestviable/llm-router/usage';
import type { CliIo } from '../cli-io.ts';
import type { OptionSpecs } from '../command.ts';
import { type Flags, flagError } from '../flags.ts';
import { connectPostgres, POSTGRES_OPTIONS, postgresConnectionOf } from './postgres.ts';

/** `--ledger` and the PostgreSQL location flags, for `usage report`. */
export const LEDGER_OPTIONS: OptionSpecs = {
  ledger: {
    type: 'string',
    placeholder: '<sqlite:path|postgres://…>',
    env: 'LLM_ROUTER_LEDGER',
    description:
      'The usage ledger: sqlite:<path> (a store written by createSqliteUsageTracker), or postgres://… / postgres: (PG* variables) with the pg package installed.',
  },
  ...POSTGRES_OPTIONS,
};

/** A tracker opened for reading, and how to close it (and its pool). */
export interface OpenedLedger {
  readonly tracker: UsageTracker;
  close(): Promise<void>;
}

/**
 * The ledger `--ledger` names, opened with the package's public factories. A SQLite path that does
 * not exist is refused rather than created empty (a mistyped path would report nothing).
 */
export async function openLedgerFromFlags(io: CliIo, flags: Flags): Promise<OpenedLedger> {
  const value = flags.string('ledger');
  if (value === undefined)
    throw flagError(
      flags,
      'ledger',
      'missing; pass sqlite:<path> or postgres://… (e.g. --ledger sqlite:./usage.db).',
    );
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') throw flagError(flags, 'ledger', 'sqlite: needs a path, e.g. sqlite:./usage.db.');
    if (!existsSync(path)) throw flagError(flags, 'ledger', `no SQLite ledger at ${path}.`);
    const tracker = createSqliteUsageTracker({ path });
    return { tracker, close: async () => tracker.close() };
  }
  const connection = postgresConnectionOf(value);
  if (connection === false)
    throw flagError(
      flags,
      'ledger',
      'expected sqlite:<path>, postgres://… or postgres: (the value is not repeated: it may hold a password).',
    );
  const postgres = await connectPostgres(io, flags, connection, {
    flag: 'ledger',
    fromEnv: !flags.given('ledger'),
  });
  try {
    const tracker = postgres.subpath.createPostgresUsageTracker({
      pool: postgres.pool,
      ...postgres.location,
      logger: false,
    });
    return {
      tracker,
      async close() {
        try {
          await tracker.close?.();
        } finally {
          await postgres.close();
        }
      },
    };
  } catch (error) {
    await postgres.close();
    throw error;
  }
}
