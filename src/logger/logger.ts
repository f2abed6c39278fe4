/** Anything console-shaped: `console`, pino, winston and most loggers fit. */
export interface Logger {
  debug?(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

const silent: Logger = { warn() {}, error() {} };

/** `false` silences the router; `undefined` logs warnings and errors to `console`. */
export function resolveLogger(setting: Logger | false | undefined): Logger {
  if (setting === false) return silent;
  return setting ?? console;
}
