import { BreakerRegistry } from '../breaker/breaker-registry.ts';
import { DEFAULT_BREAKER_SETTINGS } from '../breaker/circuit-breaker.ts';
import { DEFAULT_CATALOG_DATE, DEFAULT_CATALOG_MODELS } from '../catalog/default-catalog-models.ts';
import { createLiveCatalog, type LiveCatalog, type RouterCatalog } from '../catalog/live/live-catalog.ts';
import type { CatalogEndpoint } from '../catalog/live/read-listing.ts';
import { catalogBase, createModelCatalog, type ModelCatalogSettings } from '../catalog/model-catalog.ts';
import { createSystemClock } from '../clock/create-system-clock.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import { InvalidSettingsError } from '../errors/invalid-settings-error.ts';
import { createRateLimiter } from '../limits/create-rate-limiter.ts';
import type { UpstreamLimitSignal } from '../limits/rate-limiter.ts';
import { resolveLogger } from '../logger/resolve-logger.ts';
import { buildCandidates, type RoutingTable, resolveModelId } from '../ranking/build-candidates.ts';
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
import { createOpenAICompatibleTransport } from '../transports/openai-compatible/create-openai-compatible-transport.ts';
import {
  createOpenRouterTransport,
  DEFAULT_OPENROUTER_BASE_URL,
} from '../transports/openrouter/create-openrouter-transport.ts';
import type { ChatOptions } from '../types/chat.ts';
import type { Clock } from '../types/clock.ts';
import type { LimitSettings } from '../types/limit-settings.ts';
import { type GatewayId, KNOWN_PROVIDERS, type ProviderId } from '../types/model.ts';
import type { ModelCatalog } from '../types/model-catalog.ts';
import { type GatewayHealth, NO_CAPABILITIES, type Transport } from '../types/transport.ts';
import { createRouterUsage } from '../usage/create-router-usage.ts';
import { createMemoryUsageTracker } from '../usage/memory-usage-tracker.ts';
import { AvailabilityTracker } from './availability-tracker.ts';
import { CallObserver, type CallObserverSinks } from './call-observer.ts';
import type { CallRunner } from './call-runner.ts';
import { checkGatewayCredentials } from './check-gateway-credentials.ts';
import { breakerFor } from './decide-next-step.ts';
import { executeChat } from './execute-chat.ts';
import { executeStream } from './execute-stream.ts';
import { LimitAdmission } from './limit-admission.ts';
import { type CallPlanner, planCall } from './plan-call.ts';
import { CredentialResolver } from './resolve-credentials.ts';
import type { HealthOptions, HealthReport, Router } from './router.ts';
import { RouterEvents } from './router-events-emitter.ts';
import type { RouterSettings } from './router-settings.ts';
import { checkSettings, routerSettingsSchema } from './settings-schema.ts';
import { watchLimitStore } from './watch-limit-store.ts';

/** Default interval between reads of the gateways' live catalogs: one hour. */
export const DEFAULT_CATALOG_REFRESH_INTERVAL_MS = 3_600_000;
const CATALOG_READ_TIMEOUT_MS = 15_000;

function isCatalog(value: RouterSettings['catalog']): value is ModelCatalog {
  return typeof (value as ModelCatalog | undefined)?.list === 'function';
}

function enabledProviders(settings: RouterSettings): RoutingTable['providers'] {
  const providers = new Map<ProviderId, { models: ReadonlySet<string> | undefined }>();
  for (const [id, provider] of Object.entries(settings.providers ?? {})) {
    if (provider?.enabled === false) continue;
    providers.set(id, { models: provider?.models ? new Set(provider.models) : undefined });
  }
  return providers;
}

/**
 * A provider setting must name a provider the catalog knows at construction (bundled and user
 * models) or one listed in `catalog.providers` (known only from the gateways' live catalogs).
 */
function unknownProviders(settings: RouterSettings) {
  const known = new Set<string>(KNOWN_PROVIDERS);
  // Read before the settings are known to be valid (so all issues are reported at once): only
  // strings count.
  const catalog = settings.catalog as unknown;
  const models: unknown = isCatalog(settings.catalog)
    ? settings.catalog.list()
    : [
        ...DEFAULT_CATALOG_MODELS,
        ...(Array.isArray((catalog as { models?: unknown })?.models)
          ? (catalog as { models: unknown[] }).models
          : []),
      ];
  const listed: unknown = isCatalog(settings.catalog)
    ? undefined
    : (catalog as { providers?: unknown })?.providers;
  for (const model of models as unknown[]) {
    const provider = (model as { provider?: unknown } | null)?.provider;
    if (typeof provider === 'string') known.add(provider);
  }
  if (Array.isArray(listed)) for (const id of listed) if (typeof id === 'string') known.add(id);
  const providers = settings.providers as unknown;
  if (typeof providers !== 'object' || providers === null) return [];
  return Object.keys(providers)
    .filter((id) => !known.has(id))
    .map((id) => ({
      setting: `providers.${id}`,
      problem: `unknown setting (check its spelling): no catalog model has provider ${JSON.stringify(id.slice(0, 64))}. Add its models under catalog.models, or list it in catalog.providers to configure a provider known only from the gateways' live catalogs`,
    }));
}

/** `router.catalog`: the live catalog (or your own `ModelCatalog`, which is never refreshed) with offers. */
function routerCatalog(table: RoutingTable, live: LiveCatalog | undefined): RouterCatalog {
  const custom = table.catalog;
  const offers = (model: string) =>
    buildCandidates(table, {
      models: [resolveModelId(table.catalog, model, table.gateways) ?? model],
      requirements: {},
      promptTokens: 0,
      maxTokens: undefined,
    }).candidates.map(({ gateway, gatewayModel, pricing, priceSource }) => ({
      gateway,
      gatewayModel,
      pricing,
      priceSource,
    }));
  if (live) return Object.assign(live, { offers });
  return {
    get date() {
      return custom.date;
    },
    get: (id) => custom.get(id),
    list: () => custom.list(),
    pricing: (model, gateway) => custom.pricing(model, gateway),
    priceSource: (model, gateway) =>
      custom.priceSource?.(model, gateway) ?? { source: 'user', asOf: custom.date },
    serves: (gateway, name) => custom.serves?.(gateway, name) ?? true,
    resolveName: (name) => custom.resolveName?.(name),
    refreshedAt: undefined,
    gateways: () => [],
    refresh: async () => {},
    offers,
  };
}

/** The live-catalog endpoints of the gateways the router built itself (not your own transports). */
function catalogEndpoints(settings: RouterSettings, transports: ReadonlyMap<GatewayId, Transport>) {
  const endpoints: CatalogEndpoint[] = [];
  const { gateways = {}, transports: custom = {} } = settings;
  const bearer = (key: string | undefined) => (key ? { authorization: `Bearer ${key}` } : {});
  if (transports.has('litellm') && !custom.litellm) {
    const base = (gateways.litellm?.baseURL ?? DEFAULT_LITELLM_BASE_URL).replace(/\/+$/, '');
    endpoints.push({
      gateway: 'litellm',
      url: `${base}/model/info`,
      headers: { ...gateways.litellm?.headers, ...bearer(gateways.litellm?.apiKey) },
    });
  }
  if (transports.has('openrouter') && !custom.openrouter) {
    const base = (gateways.openrouter?.baseURL ?? DEFAULT_OPENROUTER_BASE_URL).replace(/\/+$/, '');
    endpoints.push({
      gateway: 'openrouter',
      url: `${base}/models`,
      headers: { ...gateways.openrouter?.headers, ...bearer(gateways.openrouter?.apiKey) },
    });
  }
  return endpoints;
}

/**
 * How the routing table names and prices models on each gateway: its own `models` setting, and for a
 * second LiteLLM proxy (`gateways.extra`, kind `litellm`) LiteLLM's names and prices beneath them. An
 * OpenAI-compatible extra gateway is offered only the models it names (`onlyNamed`).
 */
function gatewayNaming(settings: RouterSettings, gateway: GatewayId): RoutingTable['gateways'][number] {
  const extra = settings.gateways?.extra?.find((candidate) => candidate.id === gateway);
  if (extra)
    return extra.kind === 'litellm'
      ? { id: gateway, modelNames: extra.models ?? {}, like: 'litellm' }
      : { id: gateway, modelNames: extra.models ?? {}, onlyNamed: true };
  const { litellm, openrouter, direct } = settings.gateways ?? {};
  const builtIn: Readonly<
    Record<string, { readonly models?: Readonly<Record<string, string>> } | undefined>
  > = {
    litellm,
    openrouter,
    direct,
  };
  return { id: gateway, modelNames: builtIn[gateway]?.models ?? {} };
}

/** Transports for `gateways.extra`, in their order. */
function extraTransports(settings: RouterSettings, context: { clock: Clock }): Transport[] {
  const common = { clock: context.clock, fetch: settings.fetch, answerLimits: settings.answerLimits };
  return (settings.gateways?.extra ?? [])
    .filter((gateway) => gateway.enabled !== false)
    .map((gateway) =>
      gateway.kind === 'litellm'
        ? createLiteLLMTransport({
            id: gateway.id,
            baseURL: gateway.baseURL,
            apiKey: gateway.apiKey,
            headers: gateway.headers,
            ...common,
          })
        : {
            ...createOpenAICompatibleTransport({
              gateway: gateway.id,
              baseURL: gateway.baseURL,
              apiKey: gateway.apiKey,
              defaultHeaders: gateway.headers,
              ...common,
            }),
            capabilities: NO_CAPABILITIES,
          },
    );
}

/** Every configured limit, by scope: `provider:<id>`, `user:<id>`, `key:<id>` (and `*` defaults). */
function configuredLimits(settings: RouterSettings): Record<string, LimitSettings> {
  const limits: Record<string, LimitSettings> = {};
  for (const [id, provider] of Object.entries(settings.providers ?? {}))
    if (provider?.limits) limits[`provider:${id}`] = provider.limits;
  for (const [user, value] of Object.entries(settings.limits?.users ?? {})) limits[`user:${user}`] = value;
  for (const [key, value] of Object.entries(settings.limits?.keys ?? {})) limits[`key:${key}`] = value;
  return limits;
}

/**
 * The configured gateways' transports, in preference order: LiteLLM, `gateways.extra` in their
 * order, OpenRouter, then `direct`.
 * The rest of the router only sees this list: it never branches on a gateway's name.
 */
function buildTransports(settings: RouterSettings, context: { clock: Clock }): Transport[] {
  const { gateways = {}, transports = {} } = settings;
  const fetch = settings.fetch;
  const result: Transport[] = [];

  if (gateways.litellm?.enabled !== false) {
    result.push(
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
  result.push(...extraTransports(settings, context));
  const openrouter = gateways.openrouter;
  if (openrouter?.enabled ?? (openrouter?.apiKey !== undefined || transports.openrouter !== undefined)) {
    result.push(
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
    for (const id of KNOWN_PROVIDERS) {
      const provider = settings.providers?.[id];
      providers.set(id, { apiKey: provider?.apiKey, baseURL: provider?.baseURL ?? DIRECT_BASE_URLS[id] });
    }
    result.push(
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
  const providerIssues = typeof settings === 'object' && settings !== null ? unknownProviders(settings) : [];
  try {
    checkSettings(routerSettingsSchema, settings, 'createRouter');
  } catch (error) {
    if (providerIssues.length === 0 || !InvalidSettingsError.isInstance(error)) throw error;
    throw new InvalidSettingsError({ factory: 'createRouter', issues: [...error.issues, ...providerIssues] });
  }
  const credentials = checkGatewayCredentials(settings);
  const issues = [...credentials.issues, ...providerIssues];
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
  const transportList = buildTransports(settings, { clock });
  const transports = new Map<GatewayId, Transport>(
    transportList.map((transport) => [transport.gateway, transport]),
  );
  const capabilitiesOf = (gateway: GatewayId) => transports.get(gateway)?.capabilities ?? NO_CAPABILITIES;
  const catalogSettings: ModelCatalogSettings = isCatalog(settings.catalog) ? {} : (settings.catalog ?? {});
  const refreshIntervalMs = catalogSettings.refreshIntervalMs ?? DEFAULT_CATALOG_REFRESH_INTERVAL_MS;
  const table: { -readonly [K in keyof RoutingTable]: RoutingTable[K] } = {
    catalog: createModelCatalog({ includeDefaults: false }),
    providers: enabledProviders(settings),
    anyProvider: settings.providers === undefined,
    gateways: transportList.map(({ gateway }) => gatewayNaming(settings, gateway)),
    offerCache: new Map(),
  };
  const live = createLiveCatalog({
    sources: {
      ...catalogBase(catalogSettings),
      date: catalogSettings.date ?? DEFAULT_CATALOG_DATE,
      userNames: {
        litellm: new Set(Object.values(settings.gateways?.litellm?.models ?? {})),
        openrouter: new Set(Object.values(settings.gateways?.openrouter?.models ?? {})),
      },
    },
    endpoints:
      isCatalog(settings.catalog) || refreshIntervalMs === 0 ? [] : catalogEndpoints(settings, transports),
    fetch: settings.fetch ?? globalThis.fetch,
    clock,
    refreshIntervalMs,
    timeoutMs: CATALOG_READ_TIMEOUT_MS,
    onChange() {
      // Offers are rebuilt from the new snapshot; calls under way keep the ones they ranked.
      table.offerCache = new Map();
    },
    onRefreshed: (event) => events.emit('catalog-refreshed', event),
    onFailed(event) {
      logger.warn(
        `[llm-router] could not refresh the ${event.gateway} catalog (${event.reason}); keeping the last good one`,
        {
          gateway: event.gateway,
          reason: event.reason,
        },
      );
      events.emit('catalog-refresh-failed', event);
    },
  });
  table.catalog = isCatalog(settings.catalog) ? settings.catalog : live;
  const catalog = routerCatalog(table, isCatalog(settings.catalog) ? undefined : live);
  const breakerSettings = { ...DEFAULT_BREAKER_SETTINGS, ...settings.breaker };
  const breakers = new BreakerRegistry({
    settings: breakerSettings,
    clock,
    probeIntervalMs: settings.breaker?.probeIntervalMs ?? 5_000,
    probeTimeoutMs: settings.breaker?.probeTimeoutMs ?? 2_000,
    countsIn: (error) => (GatewayError.isInstance(error) ? breakerFor(error) : 'none'),
    probe: async (gateway, signal) => {
      const transport = transports.get(gateway);
      const free = transport?.capabilities?.freeHealthProbe ?? transport?.probe !== undefined;
      return free ? ((await transport?.probe?.(signal)) ?? false) : false;
    },
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
  const availability = new AvailabilityTracker(clock, breakers, shareUpstreamSignal);
  const credentialResolver = new CredentialResolver({
    vault: settings.keys,
    mode: settings.byok ?? (settings.keys ? 'preferred' : 'off'),
    allowOpenRouter: settings.byokAllowOpenRouter ?? false,
    capabilitiesOf,
    logger,
    events,
  });
  const limits = new LimitAdmission(
    limiter,
    events,
    logger,
    configuredLimits(settings),
    sharedStore !== undefined,
  );
  const attemptTimeoutMs = settings.attemptTimeoutMs ?? 120_000;
  const planner: CallPlanner = {
    clock,
    table,
    availability,
    ranking: settings.ranking ?? 'cheapest',
    expectedOutputTokens: settings.expectedOutputTokens ?? 1_024,
  };
  const sinks: CallObserverSinks = {
    clock,
    logger,
    events,
    tracker,
    availability,
    breakers,
    credentials: credentialResolver,
  };
  const runner: CallRunner = {
    clock,
    plan: (options) => planCall(planner, options),
    observe: (plan, stream) => new CallObserver(plan, stream, sinks),
    loop: {
      clock,
      availability,
      breakers,
      credentials: credentialResolver,
      limits,
      maxCandidates: settings.retry?.maxCandidates ?? 5,
      attempts: {
        clock,
        breakers,
        policy: {
          maxRetries: settings.retry?.maxRetries ?? 2,
          baseDelayMs: settings.retry?.baseDelayMs ?? 250,
          maxDelayMs: settings.retry?.maxDelayMs ?? 4_000,
          maxRetryAfterMs: settings.retry?.maxRetryAfterMs ?? 5_000,
        },
        attemptTimeoutMs,
        random: Math.random,
      },
    },
    transports,
    timeoutMs: settings.timeoutMs ?? 300_000,
    idleTimeoutMs: attemptTimeoutMs,
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

  live.start();
  return {
    on: events.on.bind(events),
    once: events.once.bind(events),
    off: events.off.bind(events),
    removeAllListeners: events.removeAllListeners.bind(events),
    listenerCount: events.listenerCount.bind(events),
    chat: (options: ChatOptions) => executeChat(runner, options),
    stream: (options: ChatOptions) => executeStream(runner, options),
    compareCosts: (query) => compareCosts(table, query),
    health,
    breakers: () => breakers.snapshot(),
    limits: {
      status: (scopes) => limiter.status(scopes),
      set: (scope, settings) => limits.set(scope, settings),
      headroom: (scopes) => limiter.headroom(scopes),
    },
    catalog,
    usage: createRouterUsage(tracker, catalog),
    async close() {
      live.stop();
      unwatchLimitStore();
      breakers.dispose();
      await credentialResolver.settle();
      await tracker.close?.();
    },
  };
}
