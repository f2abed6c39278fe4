/**
 * Whether a `pg` error means the connection is gone or unusable, rather than a statement failing
 * on a healthy connection: a network error (no SQLSTATE), a connection exception (class 08), or the
 * server shutting down or restarting (class 57: admin shutdown, crash shutdown, cannot connect now).
 * Such a connection is released to the pool with the error, so the pool discards it.
 */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('57');
}
