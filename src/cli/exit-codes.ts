/**
 * What `llm-router` exits with. Scripts can rely on these:
 *
 * | code | meaning |
 * |---|---|
 * | 0 | the command did what was asked (and every gateway answered, every key checked was valid) |
 * | 1 | the operation failed: a gateway is down, a key is invalid or could not be checked, a store or the KMS failed |
 * | 2 | the command line or the configuration is wrong: unknown command or flag, a bad value, a missing setting |
 * | 130 | interrupted (Ctrl-C at the key prompt) |
 */
export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

/** One of `EXIT_CODES`. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
