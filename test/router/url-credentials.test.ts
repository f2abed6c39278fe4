import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/errors/redact.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';

const PASSWORD = 'Pg-PASSWORD-51c0';
const routers: Router[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
  );
});

/** A LiteLLM-like proxy whose readiness fails with the database URL in its answer, as LiteLLM's can. */
async function leakyProxy(): Promise<string> {
  const server = createServer((request, response) => {
    if (request.url === '/health/liveliness') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('"I\'m alive!"');
      return;
    }
    response.writeHead(503, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        detail: `Service Unhealthy (could not connect to postgresql://litellm:${PASSWORD}@db.internal:5432/litellm)`,
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('URLs with user info never reach an output', () => {
  it('router.health() removes the user info of a URL an upstream answered with', async () => {
    const router = createRouter({ logger: false, gateways: { litellm: { baseURL: await leakyProxy() } } });
    routers.push(router);
    const report = await router.health({ timeoutMs: 10_000 });
    expect(report.ok).toBe(false);
    const text = `${JSON.stringify(report)}\n${inspect(report, { depth: 8 })}`;
    expect(text).toContain('postgresql://[redacted]@db.internal');
    expect(text).not.toContain(PASSWORD);
  });

  it.each([
    [
      'a user and password',
      `see https://admin:${PASSWORD}@proxy.example/v1`,
      'see https://[redacted]@proxy.example/v1',
    ],
    ['a user only', 'at redis://default@cache:6379', 'at redis://[redacted]@cache:6379'],
    ['an encoded password', 'mongodb+srv://u:p%40ss@cluster0/x', 'mongodb+srv://[redacted]@cluster0/x'],
    ['a password with a raw @', 'amqp://u:p@ss@rabbit/vhost', 'amqp://[redacted]@rabbit/vhost'],
  ])('redactSecrets() removes %s from a URL', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('leaves URLs without user info and e-mail addresses alone', () => {
    const text = 'https://openrouter.ai/api/v1/key failed; mail ops@example.com';
    expect(redactSecrets(text)).toBe(text);
  });
});
