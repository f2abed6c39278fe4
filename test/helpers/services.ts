import { connect } from 'node:net';
import { describe } from 'vitest';

// Real Redis and PostgreSQL for the suites that need them. Every machine (developers' and CI's) runs
// both on their standard loopback ports; elsewhere those suites are skipped with a message saying
// what is missing and how to start it, and CI (LLM_ROUTER_REQUIRE_SERVICES=1, set by .ci/run) turns
// such a skip into a failure so that CI always runs them.

/** Redis URL the tests use. @default redis://127.0.0.1:6379 */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** PostgreSQL URL the tests use. @default postgres://postgres@127.0.0.1:5432/test */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const HOW_TO_START = {
  redis: `start one with: redis-server --daemonize yes --port 6379 --save "" --appendonly no (or set REDIS_URL)`,
  postgres:
    'start one with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or set DATABASE_URL)',
} as const;

/** Answers whether a TCP server answers on the URL's host and port (and, for Redis, PING). */
function reachable(
  url: string,
  defaultPort: number,
  ping?: { send: string; expect: string },
): Promise<boolean> {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname, port: Number(parsed.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (!ping) return done(true);
      socket.write(ping.send);
      socket.once('data', (data) => done(data.toString().startsWith(ping.expect)));
    });
  });
}

const availability = new Map<'redis' | 'postgres', Promise<boolean>>();

/** Whether the service is reachable; memoised per test file. */
export function serviceAvailable(service: 'redis' | 'postgres'): Promise<boolean> {
  let known = availability.get(service);
  if (!known) {
    known =
      service === 'redis'
        ? reachable(REDIS_URL, 6379, { send: 'PING\r\n', expect: '+PONG' })
        : reachable(DATABASE_URL, 5432);
    availability.set(service, known);
  }
  return known;
}

/**
 * `describe` when the services are reachable; otherwise a skipped `describe` and a message naming
 * what is missing and how to start it, or a failure when LLM_ROUTER_REQUIRE_SERVICES=1 (CI).
 */
export async function describeWithServices(
  services: readonly ('redis' | 'postgres')[],
): Promise<typeof describe | typeof describe.skip> {
  const missing: ('redis' | 'postgres')[] = [];
  for (const service of services) if (!(await serviceAvailable(service))) missing.push(service);
  if (missing.length === 0) return describe;
  const message = missing
    .map(
      (service) =>
        `${service} is not reachable at ${service === 'redis' ? REDIS_URL : DATABASE_URL}; ${HOW_TO_START[service]}`,
    )
    .join('\n');
  if (process.env.LLM_ROUTER_REQUIRE_SERVICES === '1')
    throw new Error(`LLM_ROUTER_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`skipping suites that need ${missing.join(' and ')}:\n${message}`);
  return describe.skip;
}
