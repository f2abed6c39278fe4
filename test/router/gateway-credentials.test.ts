import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import {
  createFakeClock,
  createFakeTransport,
  startLiteLLMServer,
  startOpenRouterServer,
} from '../../src/testing/index.ts';
import { createMemoryLogger } from '../helpers/gateways.ts';

const routers: Router[] = [];
const servers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function refused(settings: RouterSettings): InvalidSettingsError {
  let thrown: unknown;
  try {
    routers.push(createRouter(settings));
  } catch (error) {
    thrown = error;
  }
  expect(InvalidSettingsError.isInstance(thrown), 'createRouter() should have thrown').toBe(true);
  return thrown as InvalidSettingsError;
}

const hello = { messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('a gateway that cannot authenticate', () => {
  it('OpenRouter enabled explicitly without a key is refused, naming gateways.openrouter.apiKey', () => {
    const error = refused({ gateways: { openrouter: { enabled: true } }, logger: false });
    expect(error.issues.map((issue) => issue.setting)).toEqual(['gateways.openrouter.apiKey']);
    expect(error.issues[0]?.problem).toMatch(/no key/);
    expect(error.message).toContain('  - gateways.openrouter.apiKey: ');
  });

  it('the environment is not read: OPENROUTER_API_KEY does not stand in for the setting', () => {
    const saved = process.env.OPENROUTER_API_KEY;
    process.env.OPENROUTER_API_KEY = 'sk-or-v1-from-the-environment';
    try {
      refused({ gateways: { openrouter: { enabled: true, baseURL: 'http://127.0.0.1:9/api/v1' } } });
    } finally {
      if (saved === undefined) delete process.env.OPENROUTER_API_KEY;
      else process.env.OPENROUTER_API_KEY = saved;
    }
  });

  it('is reported with the other bad settings', () => {
    const error = refused({ timeoutMs: -1, gateways: { openrouter: { enabled: true } } });
    expect(new Set(error.issues.map((issue) => issue.setting))).toEqual(new Set(['timeoutMs']));
    const second = refused({ byok: 'required', gateways: { openrouter: { enabled: true } } });
    expect(second.issues.map((issue) => issue.setting)).toEqual(['byok', 'gateways.openrouter.apiKey']);
  });

  it('OpenRouter configured without a key nor `enabled` is left out, with one warning', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const logger = createMemoryLogger();
    const router = createRouter({
      clock,
      logger,
      transports: { litellm },
      // What `apiKey: process.env.OPENROUTER_API_KEY` gives when the variable is not set.
      gateways: { openrouter: { apiKey: undefined, appName: 'My app' } },
    });
    routers.push(router);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/OpenRouter is left out.*gateways\.openrouter\.apiKey/);
    const report = await router.health();
    expect(report.gateways.map((gateway) => gateway.gateway)).toEqual(['litellm']);
    const reply = await router.chat(hello);
    expect(reply.attempts.every((attempt) => attempt.route.gateway === 'litellm')).toBe(true);
  });

  it('no warning when OpenRouter is not configured, disabled, keyed or replaced', () => {
    for (const settings of [
      {},
      { gateways: { openrouter: { enabled: false } } },
      { gateways: { openrouter: { apiKey: 'sk-or-v1-test' } } },
      { gateways: { openrouter: { enabled: true } }, transports: { openrouter: fakeOpenRouter() } },
    ] satisfies RouterSettings[]) {
      const logger = createMemoryLogger();
      routers.push(createRouter({ ...settings, logger }));
      expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
    }
  });

  it('LiteLLM needs no key: a proxy without a master key serves calls without one', async () => {
    const proxy = await startLiteLLMServer({});
    servers.push(proxy);
    const logger = createMemoryLogger();
    const router = createRouter({ logger, gateways: { litellm: { enabled: true, baseURL: proxy.baseURL } } });
    routers.push(router);
    const reply = await router.chat({ ...hello, model: 'openai/gpt-5.4-mini' });
    expect(reply.route.gateway).toBe('litellm');
    expect(proxy.chatRequests.at(-1)?.headers.authorization).toBeUndefined();
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('an OpenRouter key that is set reaches OpenRouter', async () => {
    const openrouter = await startOpenRouterServer({ apiKey: 'sk-or-v1-test-key-123' });
    servers.push(openrouter);
    const router = createRouter({
      logger: false,
      gateways: {
        litellm: { enabled: false },
        openrouter: { enabled: true, apiKey: 'sk-or-v1-test-key-123', baseURL: openrouter.baseURL },
      },
    });
    routers.push(router);
    const reply = await router.chat({ ...hello, model: 'openai/gpt-5.4-mini' });
    expect(reply.route.gateway).toBe('openrouter');
  });

  it('direct enabled with no provider key and no BYOK vault is refused, naming gateways.direct.enabled', () => {
    const error = refused({ gateways: { direct: { enabled: true } }, logger: false });
    expect(error.issues.map((issue) => issue.setting)).toEqual(['gateways.direct.enabled']);
    expect(error.issues[0]?.problem).toMatch(/providers\.<id>\.apiKey/);
    // A key on a disabled provider does not count.
    refused({
      gateways: { direct: { enabled: true } },
      providers: { openai: { enabled: false, apiKey: 'sk-test-openai' }, mistral: {} },
    });
  });

  it('direct with one provider key, a key reference, or its own transport is accepted', () => {
    routers.push(
      createRouter({
        logger: false,
        gateways: { direct: { enabled: true } },
        providers: { openai: { apiKey: 'sk-test-openai' }, mistral: {} },
      }),
      createRouter({
        logger: false,
        gateways: { direct: { enabled: true } },
        providers: { anthropic: { apiKey: async () => 'sk-ant-test' } },
      }),
      createRouter({
        logger: false,
        gateways: { direct: { enabled: true } },
        transports: { direct: createFakeTransport({ gateway: 'direct', clock: createFakeClock() }) },
      }),
    );
  });
});

function fakeOpenRouter() {
  return createFakeTransport({ gateway: 'openrouter', clock: createFakeClock() });
}
