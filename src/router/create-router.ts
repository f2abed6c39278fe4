import { BreakerRegistry } from '../breaker/breaker-registry.ts';
import { DEFAULT_BREAKER_SETTINGS } from '../breaker/circuit-breaker.ts';
import { createModelCatalog, type ModelCatalog } from '../catalog/model-catalog.ts';
import type { GatewayId, ProviderId } from '../catalog/model-definition.ts';
import { createSystemClock } from '../clock/clock.ts';
import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import { createRateLimiter } from '../limits/create-rate-limiter.ts';
import type { LimitSettings } from '../limits/limit-settings.ts';
import type { UpstreamLimitSignal } from '../limits/rate-limiter.ts';
import { resolveLogger } from '../logger/logger.ts';
import type { RoutingTable } from '../ranking/build-candidates.ts';
import { compareCosts } from '../ranking/compare-costs.ts';
import {
  createDirectTransport,
  DIRECT_BASE_URLS,
  type DirectProvider,
} from '../transports/direct/create-direct-transport.ts';
import {
  createLiteLLMTransport,
  DEFAULT_LITELLM_BASE_URL,
} from '../transports/litellm/create-litellm-transport.ts';
import {
  createOpenRouterTransport,
  DEFAULT_OPENROUTER_BASE_URL,
} from '../transports/openrouter/create-openrouter-transport.ts';
import type { GatewayHealth, Transport } from '../transports/transport.ts';
import { createRouterUsage } from '../usage/create-router-usage.ts';
import { createMemoryUsageTracker } from '../usage/memory-usage-tracker.ts';
import { AvailabilityTracker } from './availability-tracker.ts';
import type { ChatOptions } from './chat-types.ts';
import { checkGatewayCredentials } from './check-gateway-credentials.ts';
import { executeChat } from './execute-chat.ts';
import { executeStream } from './execute-stream.ts';
import { LimitAdmission } from './limit-admission.ts';
import { CredentialResolver } from './resolve-credentials.ts';
import type { HealthOptions, HealthReport, Router } from './router.ts';
import type { RouterContext } from './router-context.ts';
import { RouterEvents } from './router-events-emitter.ts';
import type { RouterSettings } from './router-settings.ts';
import { checkSettings, routerSettingsSchema } from './settings-schema.ts';
import { watchLimitStore } from './watch-limit-store.ts';

const ALL_PROVIDERS: readonly ProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];
const GATEWAY_ORDER: readonly GatewayId[] = ['litellm', 'openrouter', 'direct'];

function isCatalog(value: RouterSettings['catalog']): value is ModelCatalog {
  return typeof (value as ModelCatalog | undefined)?.list === 'function';
}

function enabledProviders(settings: RouterSettings): RoutingTable['providers'] {
  const providers = new Map<ProviderId, { models: ReadonlySet<string> | undefined }>();
  for (const id of ALL_PROVIDERS) {
    if (settings.providers !== undefined && !(id in settings.providers)) continue;
    const provider = settings.providers?.[id];
    if (provider?.enabled === false) continue;
    providers.set(id, { models: provider?.models ? new Set(provider.models) : undefined });
  }
  return providers;
}

/** Every configured limit, by scope: `provider:<id>`, `user:<id>`, `key:<id>` (and `*` defaults). */
function configuredLimits(settings: RouterSettings): Record<string, LimitSettings> {
  const limits: Record<string, LimitSettings> = {};
  for (const id of ALL_PROVIDERS) {
    const provider = settings.providers?.[id]?.limits;
    if (provider) limits[`provider:${id}`] = provider;
  }
  for (const [user, value] of Object.entries(settings.limits?.users ?? {})) limits[`user:${user}`] = value;
  for (const [key, value] of Object.entries(settings.limits?.keys ?? {})) limits[`key:${key}`] = value;
  return limits;
}

function buildTransports(
  settings: RouterSettings,
  context: { clock: RouterContext['clock'] },
): Map<GatewayId, Transport> {
  const { gateways = {}, transports = {} } = settings;
  const fetch = settings.fetch;
  const result = new Map<GatewayId, Transport>();

  if (gateways.litellm?.enabled !== false) {
    result.set(
      'litellm',
      transports.litellm ??
        createLiteLLMTransport({
          baseURL: gateways.litellm?.baseURL ?? DEFAULT_LITELLM_BASE_URL,
          apiKey: gateways.litellm?.apiKey,
          headers: gateways.litellm?.headers,
          clock: context.clock,
          fetch,
          answerLimits: settings.answerLimits,
        }),
    );
  }
  const openrouter = gateways.openrouter;
  if (openrouter?.enabled ?? (openrouter?.apiKey !== undefined || transports.openrouter !== undefined)) {
    result.set(
      'openrouter',
      transports.openrouter ??
        createOpenRouterTransport({
          baseURL: openrouter?.baseURL ?? DEFAULT_OPENROUTER_BASE_URL,
          apiKey: openrouter?.apiKey,
          appUrl: openrouter?.appUrl,
          appName: openrouter?.appName,
          headers: openrouter?.headers,
          clock: context.clock,
          fetch,
          answerLimits: settings.answerLimits,
        }),
    );
  }
  if (gateways.direct?.enabled ?? transports.direct !== undefined) {
    const providers = new Map<ProviderId, DirectProvider>();
    for (const id of ALL_PROVIDERS) {
      const provider = settings.providers?.[id];
      providers.set(id, { apiKey: provider?.apiKey, baseURL: provider?.baseURL ?? DIRECT_BASE_URLS[id] });
    }
    result.set(
      'direct',
      transports.direct ??
        createDirectTransport({
          providers,
          clock: context.clock,
          fetch,
          answerLimits: settings.answerLimits,
        }),
    );
  }
  return result;
}

/**
 * Creates a router: one chat interface over the configured providers, through the LiteLLM proxy
 * first and OpenRouter as the fallback, with circuit breakers, retries, cost-aware ranking and usage
 * records. Throws `InvalidSettingsError` at once, naming every bad setting.
 *
 * @example
 * const router = createRouter({
 *   gateways: {
 *     litellm: { baseURL: 'https://litellm.bestviable.com', apiKey: process.env.LITELLM_API_KEY },
 *     openrouter: { apiKey: process.env.OPENROUTER_API_KEY },
 *   },
 *   providers: { openai: {}, anthropic: {}, mistral: { models: ['mistral/mistral-small-latest'] } },
 * });
 * router.on('fallback', (event) => console.warn(event));
 * const reply = await router.chat({ messages: [{ role: 'user', content: 'Hello' }], require: { tools: true } });
 */
export function createRouter(settings: RouterSettings = {}): Router {
  checkSettings(routerSettingsSchema, settings, 'createRouter');
  const credentials = checkGatewayCredentials(settings);
  const issues = [...credentials.issues];
  if ((settings.byok === 'required' || settings.byok === 'preferred') && !settings.keys) {
    issues.unshift({
      setting: 'byok',
      problem: `'${settings.byok}' needs \`keys\`: a KeyVault from createKeyVault()`,
    });
  }
  if (issues.length > 0) throw new InvalidSettingsError({ factory: 'createRouter', issues });
  const clock = settings.clock ?? createSystemClock();
  const logger = resolveLogger(settings.logger);
  for (const warning of credentials.warnings) logger.warn(warning);
  const events = new RouterEvents(logger);
  const catalog = isCatalog(settings.catalog) ? settings.catalog : createModelCatalog(settings.catalog);
  const transports = buildTransports(settings, { clock });
  const table: RoutingTable = {
    catalog,
    providers: enabledProviders(settings),
    gateways: GATEWAY_ORDER.filter((id) => transports.has(id)).map((id) => ({
      id,
      modelNames: settings.gateways?.[id]?.models ?? {},
    })),
    offerCache: new Map(),
  };
  const breakerSettings = { ...DEFAULT_BREAKER_SETTINGS, ...settings.breaker };
  const breakers = new BreakerRegistry({
    settings: breakerSettings,
    clock,
    probeIntervalMs: settings.breaker?.probeIntervalMs ?? 5_000,
    probeTimeoutMs: settings.breaker?.probeTimeoutMs ?? 2_000,
    probe: async (gateway, signal) => (await transports.get(gateway)?.probe?.(signal)) ?? false,
    onStateChange(state, snapshot) {
      const name =
        state === 'open' ? 'breaker-open' : state === 'half-open' ? 'breaker-half-open' : 'breaker-close';
      if (state === 'open')
        logger.warn(`[llm-router] circuit breaker ${snapshot.name} opened`, { breaker: snapshot.name });
      else
        logger.info?.(`[llm-router] circuit breaker ${snapshot.name} is ${state}`, {
          breaker: snapshot.name,
        });
      events.emit(name, snapshot);
    },
  });
  const tracker = settings.usage ?? createMemoryUsageTracker();
  const limiter = createRateLimiter({
    clock,
    // A reservation outlives the longest call it may belong to (then it is given back, so a lost
    // call cannot hold a budget forever).
    reservationTimeoutMs: Math.max(900_000, 2 * (settings.timeoutMs ?? 300_000)),
    ...(settings.limits?.store ? { store: settings.limits.store } : {}),
    ...(settings.limits?.timeZone === undefined ? {} : { timeZone: settings.limits.timeZone }),
  });
  const sharedStore = settings.limits?.store;
  const unwatchLimitStore = watchLimitStore(sharedStore, events, logger);
  // With a store of their own, upstream cool-downs go through it too: every process backs off.
  const shareUpstreamSignal = sharedStore
    ? (scope: string, signal: UpstreamLimitSignal) =>
        void limiter.applyUpstreamSignal(scope, signal).catch((error: unknown) =>
          logger.error('[llm-router] the limit store could not record an upstream rate limit', {
            scope,
            error: String(error),
          }),
        )
    : undefined;
  const context: RouterContext = {
    clock,
    logger,
    events,
    table,
    transports,
    breakers,
    availability: new AvailabilityTracker(clock, breakers, shareUpstreamSignal),
    tracker,
    ranking: settings.ranking ?? 'cheapest',
    retry: {
      maxRetries: settings.retry?.maxRetries ?? 2,
      baseDelayMs: settings.retry?.baseDelayMs ?? 250,
      maxDelayMs: settings.retry?.maxDelayMs ?? 4_000,
      maxRetryAfterMs: settings.retry?.maxRetryAfterMs ?? 5_000,
      maxCandidates: settings.retry?.maxCandidates ?? 5,
    },
    timeoutMs: settings.timeoutMs ?? 300_000,
    attemptTimeoutMs: settings.attemptTimeoutMs ?? 120_000,
    expectedOutputTokens: settings.expectedOutputTokens ?? 1_024,
    random: Math.random,
    credentials: new CredentialResolver({
      vault: settings.keys,
      mode: settings.byok ?? (settings.keys ? 'preferred' : 'off'),
      allowOpenRouter: settings.byokAllowOpenRouter ?? false,
      logger,
      events,
    }),
    limits: new LimitAdmission(
      limiter,
      events,
      logger,
      configuredLimits(settings),
      sharedStore !== undefined,
    ),
  };

  async function health(options: HealthOptions = {}): Promise<HealthReport> {
    const controller = new AbortController();
    const timer = clock.setTimer(() => controller.abort(), options.timeoutMs ?? 5_000);
    try {
      const reports: GatewayHealth[] = await Promise.all(
        [...transports.values()].map(
          (transport) =>
            transport.checkHealth?.({ deep: options.deep ?? false, signal: controller.signal }) ??
            Promise.resolve({ gateway: transport.gateway, ok: true, checks: {} }),
        ),
      );
      return {
        ok: reports.every((report) => report.ok),
        checkedAt: clock.now(),
        gateways: reports,
        breakers: breakers.snapshot(),
      };
    } finally {
      timer.cancel();
    }
  }

  return {
    on: events.on.bind(events),
    once: events.once.bind(events),
    off: events.off.bind(events),
    removeAllListeners: events.removeAllListeners.bind(events),
    listenerCount: events.listenerCount.bind(events),
    chat: (options: ChatOptions) => executeChat(context, options),
    stream: (options: ChatOptions) => executeStream(context, options),
    compareCosts: (query) => compareCosts(table, query),
    health,
    breakers: () => breakers.snapshot(),
    limits: {
      status: (scopes) => limiter.status(scopes),
      set: (scope, limits) => context.limits.set(scope, limits),
      headroom: (scopes) => limiter.headroom(scopes),
    },
    catalog,
    usage: createRouterUsage(tracker, catalog),
    async close() {
      unwatchLimitStore();
      breakers.dispose();
      await context.credentials.settle();
      await tracker.close?.();
    },
  };
}
