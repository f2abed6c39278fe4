import type { Clock, TimerHandle } from '../../types/clock.ts';
import type { GatewayId, ModelDefinition } from '../../types/model.ts';
import type { ModelCatalog } from '../../types/model-catalog.ts';
import { buildCatalogSnapshot, type CatalogSources } from '../catalog-snapshot.ts';
import type { GatewayListing } from './gateway-listing.ts';
import { loadMaintainedPrices, type MaintainedPrices } from './maintained-prices.ts';
import {
  type CatalogEndpoint,
  CatalogReadError,
  type CatalogRefreshFailure,
  readListing,
} from './read-listing.ts';

/** `catalog-refreshed`: a gateway's live catalog was read and merged. */
export interface CatalogRefreshedEvent {
  readonly gateway: 'litellm' | 'openrouter';
  /** Models read from the gateway. */
  readonly models: number;
  /** Entries skipped: malformed, priced nonsensically (negative, NaN, above 0.01 USD a token), or past the bound. */
  readonly skipped: number;
  /** Models in the whole catalog after the merge. */
  readonly catalogModels: number;
  readonly refreshedAt: number;
}

/** `catalog-refresh-failed`: a gateway's live catalog could not be read; the last good one stays. */
export interface CatalogRefreshFailedEvent {
  readonly gateway: 'litellm' | 'openrouter';
  readonly reason: CatalogRefreshFailure;
  /** What went wrong; never holds a key. */
  readonly message: string;
  /** When the catalog still in use for this gateway was read; `undefined` when never (bundled data). */
  readonly keptFrom: number | undefined;
}

/** What the router knows of one gateway's live catalog. */
export interface CatalogGatewayState {
  readonly gateway: 'litellm' | 'openrouter';
  /** Models from its last good read; `undefined` before one landed. */
  readonly models: number | undefined;
  readonly skipped: number | undefined;
  /** When the last good read happened. */
  readonly refreshedAt: number | undefined;
  /** The last failure, cleared by the next good read. */
  readonly lastFailure:
    | { readonly reason: CatalogRefreshFailure; readonly message: string; readonly at: number }
    | undefined;
}

/** The router's catalog: the merged snapshot in use, and what is known of the gateways' live catalogs. */
export interface LiveCatalog extends ModelCatalog {
  /** When the last gateway read landed; `undefined` while only bundled and user data serve. */
  readonly refreshedAt: number | undefined;
  /** Per gateway: models read, skipped entries, last good read, last failure. */
  gateways(): readonly CatalogGatewayState[];
  /** Reads every gateway's live catalog now (one read at a time; a call during one joins it). */
  refresh(): Promise<void>;
}

/** What `createLiveCatalog()` takes. */
export interface LiveCatalogSettings {
  readonly sources: Omit<CatalogSources, 'listings'>;
  readonly endpoints: readonly CatalogEndpoint[];
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  /** 0: read once at `start()`, never again. */
  readonly refreshIntervalMs: number;
  readonly timeoutMs: number;
  /** Called with each new snapshot. */
  onChange(snapshot: ModelCatalog): void;
  onRefreshed(event: CatalogRefreshedEvent): void;
  onFailed(event: CatalogRefreshFailedEvent): void;
}

/**
 * A catalog that starts as bundled and user data and merges the gateways' live catalogs as each read
 * lands. A failed read keeps the gateway's last good listing. Reads never delay a call: calls use
 * whichever snapshot is current.
 */
export function createLiveCatalog(settings: LiveCatalogSettings): LiveCatalog & {
  start(): void;
  stop(): void;
} {
  const listings = new Map<GatewayId, GatewayListing>();
  const failures = new Map<GatewayId, CatalogGatewayState['lastFailure']>();
  let snapshot = buildCatalogSnapshot(settings.sources);
  let refreshedAt: number | undefined;
  let inflight: Promise<void> | undefined;
  let timer: TimerHandle | undefined;
  let stopped = false;
  let maintained: Promise<MaintainedPrices | undefined> | undefined;

  // The maintained table loads on the first listing with an unpriced model, never before.
  async function maintainedFor(all: readonly GatewayListing[]): Promise<CatalogSources['maintained']> {
    if (!all.some((listing) => listing.models.some((model) => !model.pricing))) return undefined;
    maintained ??= loadMaintainedPrices();
    const prices = await maintained;
    return prices && { prices, at: new Date(settings.clock.now()) };
  }

  async function readAll(): Promise<void> {
    const results = await Promise.allSettled(
      settings.endpoints.map((endpoint) =>
        readListing(endpoint, {
          fetch: settings.fetch,
          clock: settings.clock,
          timeoutMs: settings.timeoutMs,
        }),
      ),
    );
    if (stopped) return;
    const landed: GatewayListing[] = [];
    results.forEach((result, index) => {
      const gateway = (settings.endpoints[index] as CatalogEndpoint).gateway;
      if (result.status === 'fulfilled') {
        listings.set(gateway, result.value);
        failures.delete(gateway);
        landed.push(result.value);
        return;
      }
      const error = result.reason;
      const reason: CatalogRefreshFailure = error instanceof CatalogReadError ? error.reason : 'malformed';
      const message = error instanceof CatalogReadError ? error.message : 'the answer could not be read';
      failures.set(gateway, { reason, message, at: settings.clock.now() });
      settings.onFailed({ gateway, reason, message, keptFrom: listings.get(gateway)?.fetchedAt });
    });
    if (landed.length === 0) return;
    const all = [...listings.values()];
    const prices = await maintainedFor(all);
    if (stopped) return;
    snapshot = buildCatalogSnapshot({
      ...settings.sources,
      listings: all,
      ...(prices ? { maintained: prices } : {}),
    });
    refreshedAt = settings.clock.now();
    settings.onChange(snapshot);
    for (const listing of landed)
      settings.onRefreshed({
        gateway: listing.gateway,
        models: listing.models.length,
        skipped: listing.skipped,
        catalogModels: snapshot.list().length,
        refreshedAt,
      });
  }

  function refresh(): Promise<void> {
    inflight ??= readAll().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function schedule(): void {
    if (stopped || settings.refreshIntervalMs <= 0) return;
    timer = settings.clock.setTimer(() => void refresh().finally(schedule), settings.refreshIntervalMs, {
      background: true,
    });
  }

  return {
    get date() {
      return snapshot.date;
    },
    get: (id: string): ModelDefinition | undefined => snapshot.get(id),
    list: () => snapshot.list(),
    pricing: (model, gateway) => snapshot.pricing(model, gateway),
    priceSource: (model, gateway) =>
      snapshot.priceSource?.(model, gateway) ?? { source: 'user', asOf: snapshot.date },
    serves: (gateway, name) => snapshot.serves?.(gateway, name) ?? true,
    resolveName: (name) => snapshot.resolveName?.(name),
    get refreshedAt() {
      return refreshedAt;
    },
    gateways: () =>
      settings.endpoints.map(({ gateway }) => {
        const listing = listings.get(gateway);
        return {
          gateway,
          models: listing?.models.length,
          skipped: listing?.skipped,
          refreshedAt: listing?.fetchedAt,
          lastFailure: failures.get(gateway),
        };
      }),
    refresh,
    start() {
      if (settings.endpoints.length === 0) return;
      void refresh().finally(schedule);
    },
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

/** One way a model is offered: on a gateway, under a name, at a price with its source. */
export interface CatalogOffer {
  readonly gateway: GatewayId;
  readonly gatewayModel: string;
  readonly pricing: ModelDefinition['pricing'];
  readonly priceSource: NonNullable<ReturnType<NonNullable<ModelCatalog['priceSource']>>>;
}

/** `router.catalog`: the catalog in use, its live state, and each model's offers as the router routes them. */
export interface RouterCatalog extends LiveCatalog {
  /** The offers of a model (by id or gateway name) the router would consider, in gateway order. */
  offers(model: string): readonly CatalogOffer[];
}
