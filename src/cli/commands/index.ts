import type { CommandSpec } from '../command.ts';
import { compareCostsCommand } from './compare-costs.ts';
import { healthCommand } from './health.ts';
import { keysAddCommand } from './keys-add.ts';
import { keysDisableCommand, keysRemoveCommand } from './keys-disable.ts';
import { keysListCommand } from './keys-list.ts';
import { keysRotateCipherCommand } from './keys-rotate-cipher.ts';
import { keysEnableCommand, keysValidateCommand } from './keys-validate.ts';
import { modelsCommand } from './models.ts';
import { usageReportCommand } from './usage-report.ts';

/** Every command of `llm-router`, in the order its help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  healthCommand,
  modelsCommand,
  compareCostsCommand,
  keysAddCommand,
  keysListCommand,
  keysValidateCommand,
  keysDisableCommand,
  keysEnableCommand,
  keysRemoveCommand,
  keysRotateCipherCommand,
  usageReportCommand,
];
