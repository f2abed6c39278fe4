import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelCatalog } from '../../src/catalog/model-catalog.ts';
import { InvalidSettingsError } from '../../src/errors/invalid-settings-error.ts';
import { RouterError } from '../../src/errors/router-error.ts';
import { createRouter } from '../../src/router/create-router.ts';
import type { Router } from '../../src/router/router.ts';
import type { RouterSettings } from '../../src/router/router-settings.ts';
import { createFakeClock, createFakeTransport } from '../../src/testing/index.ts';
import type { ModelDefinition } from '../../src/types/model.ts';
import { createMemoryUsageTracker } from '../../src/usage/memory-usage-tracker.ts';

const routers: Router[] = [];

afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

/** Calls createRouter with settings a TypeScript caller could not write, and returns what it threw. */
function settingsError(settings: unknown): InvalidSettingsError {
  let thrown: unknown;
  try {
    routers.push(createRouter(settings as RouterSettings));
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'createRouter() should have thrown').toBeDefined();
  expect(InvalidSettingsError.isInstance(thrown)).toBe(true);
  return thrown as InvalidSettingsError;
}

const settingsOf = (error: InvalidSettingsError) => error.issues.map((issue) => issue.setting);

/** The error names exactly this setting, in an issue and in the message. */
function expectOnly(settings: unknown, setting: string): InvalidSettingsError {
  const error = settingsError(settings);
  expect(settingsOf(error)).toEqual([setting]);
  expect(error.message).toContain(`  - ${setting}: `);
  return error;
}

describe('createRouter() settings checks', () => {
  it('reports every bad setting at once, each by its path', () => {
    const error = settingsError({
      timeoutMs: -5,
      attemptTimeoutMs: 0,
      retry: { maxRetries: 11 },
      breaker: { errorThresholdPercent: 150 },
      gateways: { litellm: { baseURL: 'litellm.internal' } },
      providers: { openia: {} },
    });
    expect(new Set(settingsOf(error))).toEqual(
      new Set([
        'timeoutMs',
        'attemptTimeoutMs',
        'retry.maxRetries',
        'breaker.errorThresholdPercent',
        'gateways.litellm.baseURL',
        'providers.openia',
      ]),
    );
    expect(error.message.split('\n')[0]).toBe('createRouter: invalid settings.');
    for (const issue of error.issues) {
      expect(error.message).toContain(`${issue.setting}: ${issue.problem}`);
      expect(issue.problem.length).toBeGreaterThan(0);
    }
  });

  it('is a RouterError, not retryable, recognised across copies by isInstance()', () => {
    const error = settingsError({ timeoutMs: 'soon' });
    expect(RouterError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidSettingsError');
    expect(error.isRetryable).toBe(false);
    expect(InvalidSettingsError.isInstance(new Error('timeoutMs'))).toBe(false);
    expect(InvalidSettingsError.isInstance({ name: 'InvalidSettingsError' })).toBe(false);
  });

  describe('wrong types', () => {
    it.each([
      [{ timeoutMs: '1000' }, 'timeoutMs'],
      [{ attemptTimeoutMs: 1.5 }, 'attemptTimeoutMs'],
      [{ expectedOutputTokens: 0 }, 'expectedOutputTokens'],
      [{ gateways: { litellm: { apiKey: 42 } } }, 'gateways.litellm.apiKey'],
      [{ gateways: { litellm: { headers: { 'x-team': 7 } } } }, 'gateways.litellm.headers.x-team'],
      [{ gateways: { openrouter: { enabled: 'yes' } } }, 'gateways.openrouter.enabled'],
      [
        { gateways: { direct: { models: { 'openai/gpt-5.5': '' } } } },
        'gateways.direct.models.openai/gpt-5.5',
      ],
      [{ providers: { openai: { enabled: 'yes' } } }, 'providers.openai.enabled'],
      [{ providers: { anthropic: { models: 'anthropic/claude-haiku-4-5' } } }, 'providers.anthropic.models'],
      [{ providers: { mistral: { apiKey: 123 } } }, 'providers.mistral.apiKey'],
      [{ fetch: 'https://proxy' }, 'fetch'],
      [{ clock: { now: () => 0 } }, 'clock'],
      [{ transports: { litellm: { gateway: 'litellm' } } }, 'transports.litellm'],
    ])('%j names %s', (settings, setting) => {
      expectOnly(settings, setting);
    });
  });

  describe('timeouts', () => {
    it.each([
      [{ timeoutMs: -1 }, 'timeoutMs'],
      [{ timeoutMs: 0 }, 'timeoutMs'],
      [{ attemptTimeoutMs: -100 }, 'attemptTimeoutMs'],
      [{ breaker: { resetTimeoutMs: 0 } }, 'breaker.resetTimeoutMs'],
      [{ breaker: { probeTimeoutMs: -1 } }, 'breaker.probeTimeoutMs'],
      [{ retry: { baseDelayMs: -1 } }, 'retry.baseDelayMs'],
    ])('%j names %s', (settings, setting) => {
      const error = expectOnly(settings, setting);
      expect(error.issues[0]?.problem).toMatch(/milliseconds/);
    });

    it('accepts 0 where 0 turns a feature off', () => {
      routers.push(
        createRouter({ breaker: { probeIntervalMs: 0 }, retry: { baseDelayMs: 0, maxRetries: 0 } }),
      );
    });
  });

  describe('unknown keys (typos)', () => {
    it.each([
      [{ gateway: { litellm: {} } }, 'gateway'],
      [{ providers: { openia: {} } }, 'providers.openia'],
      [{ gateways: { litellm: { baseUrl: 'https://litellm.example.com' } } }, 'gateways.litellm.baseUrl'],
      [{ retry: { retries: 3 } }, 'retry.retries'],
      [{ breaker: { threshold: 50 } }, 'breaker.threshold'],
    ])('%j names %s', (settings, setting) => {
      const error = expectOnly(settings, setting);
      expect(error.issues[0]?.problem).toMatch(/unknown setting/);
    });

    it('names each unknown key as its own setting', () => {
      const error = settingsError({ gateway: {}, timeout: 5_000 });
      expect(new Set(settingsOf(error))).toEqual(new Set(['gateway', 'timeout']));
    });
  });

  describe('URLs', () => {
    it.each([
      [{ gateways: { litellm: { baseURL: 'litellm.example.com' } } }, 'gateways.litellm.baseURL'],
      [{ gateways: { openrouter: { baseURL: 'not a url' } } }, 'gateways.openrouter.baseURL'],
      [{ gateways: { openrouter: { appUrl: 'ftp://app.example.com' } } }, 'gateways.openrouter.appUrl'],
      [{ providers: { mistral: { baseURL: 'api.mistral.ai/v1' } } }, 'providers.mistral.baseURL'],
    ])('%j names %s', (settings, setting) => {
      const error = expectOnly(settings, setting);
      expect(error.issues[0]?.problem).toMatch(/https:\/\//);
    });
  });

  describe('ranges', () => {
    it.each([
      [{ retry: { maxRetries: -1 } }, 'retry.maxRetries'],
      [{ retry: { maxRetries: 11 } }, 'retry.maxRetries'],
      [{ retry: { maxRetries: 2.5 } }, 'retry.maxRetries'],
      [{ breaker: { errorThresholdPercent: 101 } }, 'breaker.errorThresholdPercent'],
      [{ breaker: { errorThresholdPercent: 0 } }, 'breaker.errorThresholdPercent'],
      [{ breaker: { volumeThreshold: -1 } }, 'breaker.volumeThreshold'],
    ])('%j names %s', (settings, setting) => {
      expectOnly(settings, setting);
    });

    it('accepts the edges of the ranges', () => {
      routers.push(createRouter({ retry: { maxRetries: 10 }, breaker: { errorThresholdPercent: 100 } }));
    });
  });

  describe('pluggable objects', () => {
    it('a usage tracker needs record() and query()', () => {
      const error = expectOnly({ usage: { record() {} } }, 'usage');
      expect(error.issues[0]?.problem).toMatch(/record\(\) and query\(\)/);
      expectOnly({ usage: { query() {} } }, 'usage');
    });

    it('a logger needs warn() and error(), or is false', () => {
      const error = expectOnly({ logger: { log() {}, info() {} } }, 'logger');
      expect(error.issues[0]?.problem).toMatch(/warn\(\) and error\(\)/);
      expectOnly({ logger: true }, 'logger');
      routers.push(createRouter({ logger: false }));
      routers.push(createRouter({ logger: { warn() {}, error() {} } }));
    });

    it('the ranking policy is one of the named ones, a weights object or a function', () => {
      const error = expectOnly({ ranking: 'fastest' }, 'ranking');
      expect(error.issues[0]?.problem).toMatch(/'cheapest', 'available'/);
      expectOnly({ ranking: { weights: { cost: -1 } } }, 'ranking.weights.cost');
      expect(settingsOf(settingsError({ ranking: { weights: { speed: 1 } } }))[0]).toMatch(/^ranking/);
      expect(settingsOf(settingsError({ ranking: { cost: 1 } }))[0]).toMatch(/^ranking/);
    });

    it('a ready-made catalog is accepted as is', () => {
      const catalog = createModelCatalog({ includeDefaults: false });
      const router = createRouter({ catalog, logger: false });
      routers.push(router);
      // Served as is, behind router.catalog's live-state methods (a custom catalog is never refreshed).
      expect(router.catalog.list()).toBe(catalog.list());
      expect(router.catalog.refreshedAt).toBeUndefined();
    });
  });

  describe('catalog settings', () => {
    const valid = createModelCatalog().get('openai/gpt-5.4-nano') as ModelDefinition;

    it('rejects an unknown catalog key', () => {
      expect(settingsOf(settingsError({ catalog: { model: [] } }))[0]).toMatch(/^catalog/);
    });

    it('rejects a negative price override, naming it', () => {
      expectOnly(
        { catalog: { prices: { 'openai/gpt-5.5': { inputPerToken: -1 } } } },
        'catalog.prices.openai/gpt-5.5.inputPerToken',
      );
    });

    it.each([
      ['id', { ...valid, id: 'gpt-without-provider' }, 'catalog.models.0.id'],
      ['provider', { ...valid, id: 'acme/model', provider: 'Acme Corp' }, 'catalog.models.0.provider'],
      ['tier', { ...valid, id: 'openai/x', tier: 'mid' }, 'catalog.models.0.tier'],
      ['contextWindow', { ...valid, id: 'openai/x', contextWindow: 0 }, 'catalog.models.0.contextWindow'],
      [
        'pricing',
        { ...valid, id: 'openai/x', pricing: { inputPerToken: -1, outputPerToken: 1e-6 } },
        'catalog.models.0.pricing.inputPerToken',
      ],
      [
        'capabilities',
        { ...valid, id: 'openai/x', capabilities: { tools: true } },
        'catalog.models.0.capabilities.vision',
      ],
    ])('a model definition with a bad %s names the field', (_field, model, setting) => {
      const error = settingsError({ catalog: { models: [model] } });
      expect(settingsOf(error)).toContain(setting);
      expect(error.message).toContain(setting);
    });

    it('rejects a price override for a model not in the catalog as a settings error', () => {
      expectOnly(
        { catalog: { prices: { 'acme/unknown': { inputPerToken: 1e-6 } } } },
        'catalog.prices.acme/unknown',
      );
    });
  });

  it('rejects settings that are not an object', () => {
    expectOnly('https://litellm.example.com', '(settings)');
  });

  it('rejects null settings with a typed error, not a TypeError', () => {
    const error = expectOnly(null, '(settings)');
    expect(error.issues[0]?.problem).toMatch(/expected an object of settings/);
    expectOnly([], '(settings)');
    expectOnly(42, '(settings)');
  });

  it("settings that throw when read are a typed error, not the getter's", () => {
    const settings = {
      get timeoutMs(): number {
        throw new TypeError('sk-secret-from-a-getter');
      },
    };
    const error = expectOnly(settings, '(settings)');
    expect(error.message).not.toContain('sk-secret-from-a-getter');
    expectOnly(
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      ),
      '(settings)',
    );
  });

  it('quotes a setting name that holds line breaks, so it cannot forge lines of the message', () => {
    const error = expectOnly({ 'timeout\n  - forged: yes': 1 }, '"timeout\\n  - forged: yes"');
    expect(error.message.split('\n')).toHaveLength(2);
  });

  describe('URLs are parsed, not matched', () => {
    it.each([
      ['http://%zz'],
      ['http://[::1'],
      ['http://litellm.example.com:99999'],
      ['http://litellm.example.com:0'],
      ['http://lite llm.example.com'],
      ['http://litellm.example.com\u0000'],
      ['http://exa\nmple.com'],
      ['http://litellm.example.com\t'],
      [' https://litellm.example.com'],
      ['http:/litellm.example.com'],
      ['http://'],
      ['javascript:alert(1)'],
      ['file:///etc/passwd'],
      ['https://litellm.example.com/?team=a'],
      ['https://litellm.example.com/#v1'],
      ['https://bücher.example'],
    ])('refuses %j as gateways.litellm.baseURL', (baseURL) => {
      const error = expectOnly({ gateways: { litellm: { baseURL } } }, 'gateways.litellm.baseURL');
      expect(error.issues[0]?.problem).toMatch(/URL/);
    });

    it('refuses the same in every URL setting', () => {
      expectOnly({ gateways: { openrouter: { baseURL: 'http://[::1' } } }, 'gateways.openrouter.baseURL');
      expectOnly({ gateways: { openrouter: { appUrl: 'https://app:99999' } } }, 'gateways.openrouter.appUrl');
      expectOnly({ providers: { openai: { baseURL: 'http://%zz/v1' } } }, 'providers.openai.baseURL');
    });

    it('accepts ports, paths, IPv6 and punycode hosts, and a query in appUrl', () => {
      routers.push(
        createRouter({
          logger: false,
          gateways: {
            litellm: { baseURL: 'http://[::1]:4000/proxy/' },
            openrouter: {
              apiKey: 'sk-or-v1-test',
              baseURL: 'HTTPS://xn--bcher-kva.example:8443/api/v1',
              appUrl: 'https://app.example.com/?ref=router',
            },
          },
          providers: { mistral: { baseURL: 'http://127.0.0.1:8080/v1' } },
        }),
      );
    });
  });

  describe('credentials in URLs', () => {
    const password = 'PASSWORD-3f9c1a';
    it.each([
      [
        'gateways.litellm.baseURL',
        { gateways: { litellm: { baseURL: `http://admin:${password}@litellm.internal` } } },
      ],
      [
        'gateways.openrouter.baseURL',
        { gateways: { openrouter: { baseURL: `https://user:${password}@or.example/api/v1` } } },
      ],
      [
        'gateways.openrouter.appUrl',
        { gateways: { openrouter: { appUrl: `https://me:${password}@app.example` } } },
      ],
      [
        'providers.openai.baseURL',
        { providers: { openai: { baseURL: `http://${password}@api.example/v1` } } },
      ],
    ])('are refused in %s, without echoing the URL', (setting, settings) => {
      const error = expectOnly(settings, setting);
      expect(error.issues[0]?.problem).toMatch(/credentials/);
      for (const output of [error.message, JSON.stringify(error), inspect(error), String(error.stack)]) {
        expect(output).not.toContain(password);
        expect(output).not.toMatch(/:\/\/[^\s]*@/);
      }
    });

    it('an empty user info (http://@host) is refused too', () => {
      expectOnly(
        { gateways: { litellm: { baseURL: 'http://@litellm.internal' } } },
        'gateways.litellm.baseURL',
      );
    });
  });

  describe('values sent in headers', () => {
    const key = 'sk-or-v1-SECRET-7d1e0b';
    it.each([
      [
        'gateways.openrouter.appName',
        { gateways: { openrouter: { apiKey: 'sk-or-v1-x', appName: 'Coffee ☕' } } },
      ],
      [
        'gateways.openrouter.appName',
        { gateways: { openrouter: { apiKey: 'sk-or-v1-x', appName: 'App\r\nX-Evil: 1' } } },
      ],
      [
        'gateways.openrouter.appName',
        { gateways: { openrouter: { apiKey: 'sk-or-v1-x', appName: 'App\u0000' } } },
      ],
      ['gateways.litellm.headers.x-team', { gateways: { litellm: { headers: { 'x-team': 'a\r\nb' } } } }],
      ['gateways.openrouter.headers.x-team', { gateways: { openrouter: { headers: { 'x-team': '☕' } } } }],
      ['gateways.litellm.headers', { gateways: { litellm: { headers: { 'x team': 'a' } } } }],
      ['gateways.litellm.headers', { gateways: { litellm: { headers: { 'x-a\r\nx-b': 'a' } } } }],
      ['gateways.litellm.headers', { gateways: { litellm: { headers: { 'x:a': 'a' } } } }],
    ])('%s: %j is refused', (setting, settings) => {
      expectOnly(settings, setting);
    });

    it.each([
      ['gateways.openrouter.apiKey', { gateways: { openrouter: { apiKey: `${key}☕` } } }],
      ['gateways.openrouter.apiKey', { gateways: { openrouter: { apiKey: `${key}\u0000` } } }],
      ['gateways.litellm.apiKey', { gateways: { litellm: { apiKey: `${key}\n` } } }],
      ['gateways.litellm.apiKey', { gateways: { litellm: { apiKey: `Bearer ${key}` } } }],
      ['providers.openai.apiKey', { providers: { openai: { apiKey: `${key} ` } } }],
    ])('a key that cannot go into a header is refused in %s, never echoed', (setting, settings) => {
      const error = expectOnly(settings, setting);
      expect(error.issues[0]?.problem).toMatch(/header/);
      for (const output of [error.message, JSON.stringify(error), inspect(error)]) {
        expect(output).not.toContain(key);
      }
    });

    it('accepts Latin-1 values and token header names', () => {
      routers.push(
        createRouter({
          logger: false,
          gateways: {
            litellm: { headers: { 'x-team': 'Équipe café', "x-a!#$%&'*+.^_`|~": 'tab\there' } },
            openrouter: { apiKey: 'sk-or-v1-test', appName: 'Café Ñandú' },
          },
        }),
      );
    });
  });

  describe('numeric settings are bounded to what the router can hold', () => {
    it.each([
      [{ breaker: { rollingWindowBuckets: 2_147_483_648 } }, 'breaker.rollingWindowBuckets'],
      [{ breaker: { rollingWindowBuckets: 4_294_967_296 } }, 'breaker.rollingWindowBuckets'],
      [
        { breaker: { rollingWindowBuckets: 1_001, rollingWindowMs: 100_000 } },
        'breaker.rollingWindowBuckets',
      ],
      [{ breaker: { rollingWindowBuckets: 1_000, rollingWindowMs: 9_999 } }, 'breaker.rollingWindowBuckets'],
      [{ breaker: { rollingWindowMs: 5 } }, 'breaker.rollingWindowBuckets'],
      [{ breaker: { rollingWindowMs: 2 ** 31 } }, 'breaker.rollingWindowMs'],
      [{ breaker: { resetTimeoutMs: 1e12 } }, 'breaker.resetTimeoutMs'],
      [{ breaker: { probeIntervalMs: 2 ** 31 } }, 'breaker.probeIntervalMs'],
      [{ breaker: { probeTimeoutMs: Number.MAX_SAFE_INTEGER } }, 'breaker.probeTimeoutMs'],
      [{ breaker: { volumeThreshold: 1e7 } }, 'breaker.volumeThreshold'],
      [{ breaker: { consecutiveFailures: 2 ** 40 } }, 'breaker.consecutiveFailures'],
      [{ breaker: { errorThresholdPercent: Number.NaN } }, 'breaker.errorThresholdPercent'],
      [{ timeoutMs: 2 ** 31 }, 'timeoutMs'],
      [{ attemptTimeoutMs: Number.POSITIVE_INFINITY }, 'attemptTimeoutMs'],
      [{ retry: { baseDelayMs: 2 ** 31 } }, 'retry.baseDelayMs'],
      [{ retry: { maxDelayMs: 1e300 } }, 'retry.maxDelayMs'],
      [{ retry: { maxRetryAfterMs: 2 ** 53 } }, 'retry.maxRetryAfterMs'],
      [{ retry: { maxCandidates: 101 } }, 'retry.maxCandidates'],
      [{ expectedOutputTokens: 100_000_001 }, 'expectedOutputTokens'],
      [{ ranking: { weights: { cost: 1e308 } } }, 'ranking.weights.cost'],
      [{ ranking: { weights: { latency: 1_001 } } }, 'ranking.weights.latency'],
      [
        { catalog: { prices: { 'openai/gpt-5.5': { inputPerToken: 1e300 } } } },
        'catalog.prices.openai/gpt-5.5.inputPerToken',
      ],
    ])('%j names %s', (settings, setting) => {
      expectOnly(settings, setting);
    });

    it('accepts the largest values it can hold', () => {
      routers.push(
        createRouter({
          logger: false,
          timeoutMs: 2 ** 31 - 1,
          attemptTimeoutMs: 2 ** 31 - 1,
          expectedOutputTokens: 100_000_000,
          retry: { maxRetries: 10, baseDelayMs: 2 ** 31 - 1, maxDelayMs: 2 ** 31 - 1, maxCandidates: 100 },
          breaker: {
            rollingWindowMs: 10_000,
            rollingWindowBuckets: 1_000,
            resetTimeoutMs: 2 ** 31 - 1,
            volumeThreshold: 1_000_000,
            consecutiveFailures: 1_000_000,
          },
          ranking: { weights: { cost: 1_000, availability: 0, latency: 1_000 } },
        }),
      );
    });

    it('a breaker with the largest bucket count still serves calls', async () => {
      const clock = createFakeClock();
      const litellm = createFakeTransport({ gateway: 'litellm', clock });
      const router = createRouter({
        clock,
        logger: false,
        transports: { litellm },
        breaker: { rollingWindowMs: 10_000, rollingWindowBuckets: 1_000 },
      });
      routers.push(router);
      const reply = await router.chat({ messages: [{ role: 'user', content: 'Hi' }] });
      expect(reply.text.length).toBeGreaterThan(0);
    });
  });

  it('never echoes a key passed in a bad setting', () => {
    const key = 'sk-or-v1-0123456789abcdef0123456789abcdef';
    const error = settingsError({
      gateways: { openrouter: { apiKey: key, baseURL: 'nope' } },
      providers: { openai: { apiKey: key, baseURL: 'nope' } },
    });
    expect(error.issues.length).toBe(2);
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(error)).not.toContain(key);
  });

  it('accepts a full valid settings object', async () => {
    const clock = createFakeClock();
    const litellm = createFakeTransport({ gateway: 'litellm', clock });
    const openrouter = createFakeTransport({ gateway: 'openrouter', clock });
    const tracker = createMemoryUsageTracker();
    const extra: ModelDefinition = {
      ...(createModelCatalog().get('mistral/mistral-small-latest') as ModelDefinition),
      id: 'mistral/codestral-latest',
      name: 'Codestral',
      gatewayModels: { litellm: 'mistral/codestral-latest', openrouter: 'mistralai/codestral-2508' },
    };
    const settings: RouterSettings = {
      gateways: {
        litellm: {
          enabled: true,
          baseURL: 'https://litellm.example.com',
          apiKey: 'sk-litellm-virtual-key',
          headers: { 'x-team': 'growth' },
          models: { 'openai/gpt-5.5': 'gpt5' },
        },
        openrouter: {
          enabled: true,
          baseURL: 'https://openrouter.ai/api/v1',
          apiKey: 'sk-or-v1-test',
          appUrl: 'https://bestviable.com',
          appName: 'Best Viable',
          headers: {},
          models: { 'mistral/mistral-small-latest': 'mistralai/mistral-small-3.2-24b-instruct' },
        },
        direct: { enabled: false, models: {} },
      },
      providers: {
        openai: { apiKey: 'sk-openai-test', baseURL: 'https://api.openai.com/v1' },
        anthropic: { enabled: true, apiKey: async () => 'sk-ant-test' },
        google: { enabled: false },
        cohere: {},
        mistral: { models: ['mistral/mistral-small-latest', 'mistral/codestral-latest'] },
      },
      catalog: {
        includeDefaults: true,
        models: [extra],
        prices: { 'openai/gpt-5.4-mini': { inputPerToken: 6e-7 } },
        date: '2026-05-01',
      },
      ranking: { weights: { cost: 0.7, availability: 0.3, latency: 0 } },
      retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 10_000 },
      breaker: {
        errorThresholdPercent: 50,
        volumeThreshold: 5,
        rollingWindowMs: 10_000,
        rollingWindowBuckets: 10,
        resetTimeoutMs: 30_000,
        probeIntervalMs: 5_000,
        probeTimeoutMs: 1_000,
      },
      timeoutMs: 60_000,
      attemptTimeoutMs: 20_000,
      expectedOutputTokens: 512,
      usage: tracker,
      logger: { warn() {}, error() {}, info() {} },
      clock,
      fetch: globalThis.fetch,
      transports: { litellm, openrouter },
    };
    const router = createRouter(settings);
    routers.push(router);
    expect(router.usage.tracker).toBe(tracker);
    expect(router.catalog.date).toBe('2026-05-01');
    expect(router.catalog.get('mistral/codestral-latest')).toBe(extra);
    expect(router.catalog.get('openai/gpt-5.4-mini')?.pricing.inputPerToken).toBe(6e-7);

    const reply = await router.chat({ model: 'openai/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] });
    expect(reply.route).toMatchObject({ gateway: 'litellm', gatewayModel: 'gpt5' });
    expect(litellm.calls.map((call) => call.model)).toEqual(['gpt5']);
  });

  it('accepts no settings at all', () => {
    routers.push(createRouter());
    routers.push(createRouter({}));
  });
});
