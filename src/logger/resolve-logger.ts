import type { Logger } from '../types/logger.ts';

const silent: Logger = { warn() {}, error() {} };

/** `false` silences the router; `undefined` logs warnings and errors to `console`. */
export function resolveLogger(setting: Logger | false | undefined): Logger {
  if (setting === false) return silent;
  return setting ?? console;
}
