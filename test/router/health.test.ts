import { expect, test } from 'vitest';
import { hello, LITELLM_KEY, OPENROUTER_KEY, startGateways } from '../helpers/gateways.ts';

test('health(): LiteLLM liveliness and readiness, OpenRouter key, breaker states', async () => {
  const { router, litellm, openrouter } = await startGateways();
  await router.chat(hello);

  const report = await router.health();

  expect(report.ok).toBe(true);
  const [litellmHealth, openrouterHealth] = report.gateways;
  expect(litellmHealth).toMatchObject({
    gateway: 'litellm',
    ok: true,
    checks: {
      liveliness: { ok: true, status: 200 },
      readiness: {
        ok: true,
        status: 200,
        details: { status: 'healthy', db: 'connected', version: '1.80.0' },
      },
    },
  });
  expect(typeof litellmHealth?.checks.liveliness?.latencyMs).toBe('number');
  expect(litellmHealth?.checks.deep).toBeUndefined();
  expect(openrouterHealth).toMatchObject({
    gateway: 'openrouter',
    ok: true,
    checks: { key: { ok: true, details: { isFreeTier: false } } },
  });
  expect(report.breakers.map((breaker) => [breaker.name, breaker.state])).toEqual(
    expect.arrayContaining([
      ['litellm', 'closed'],
      ['litellm/openai', 'closed'],
    ]),
  );
  // Liveliness and readiness are free: no key is sent to them. The OpenRouter key check needs one.
  const liveliness = litellm.requests.find((request) => request.path === '/health/liveliness');
  expect(liveliness?.headers.authorization).toBeUndefined();
  expect(openrouter.requests.find((request) => request.path === '/api/v1/key')?.headers.authorization).toBe(
    `Bearer ${OPENROUTER_KEY}`,
  );
});

test('health(): an unready proxy and an unreachable OpenRouter are reported, not thrown', async () => {
  const { router, litellm, openrouter } = await startGateways();
  litellm.setReady(false);
  await openrouter.down();
  const report = await router.health();
  expect(report.ok).toBe(false);
  expect(report.gateways[0]).toMatchObject({
    ok: false,
    checks: { liveliness: { ok: true }, readiness: { ok: false, status: 503 } },
  });
  expect(report.gateways[1]).toMatchObject({ ok: false, checks: { key: { ok: false } } });
  expect(report.gateways[1]?.checks.key?.error).toMatch(/fetch failed|ECONNREFUSED/);
});

test('health({ deep: true }) also calls LiteLLM /health with the virtual key', async () => {
  const { router, litellm } = await startGateways();
  const report = await router.health({ deep: true });
  const deep = litellm.requests.find((request) => request.path === '/health');
  expect(deep?.headers.authorization).toBe(`Bearer ${LITELLM_KEY}`);
  expect(report.gateways[0]?.checks.deep).toMatchObject({
    ok: true,
    details: { healthyCount: 0, unhealthyCount: 0 },
  });
});
