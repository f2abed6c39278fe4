import type { Clock } from '../../types/clock.ts';
import type { GatewayListing } from './gateway-listing.ts';
import { parseLiteLLMModelInfo } from './parse-litellm-model-info.ts';
import { parseOpenRouterModels } from './parse-openrouter-models.ts';

/** Where one gateway's live catalog is read. */
export interface CatalogEndpoint {
  readonly gateway: 'litellm' | 'openrouter';
  /** The full URL: `<proxy>/model/info` or `<openrouter>/models`. */
  readonly url: string;
  /** Authorization and the gateway's extra headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Why reading a live catalog failed. */
export type CatalogRefreshFailure = 'network' | 'timeout' | 'status' | 'too-large' | 'malformed' | 'empty';

/** A failed read, with a message that never holds a key. */
export class CatalogReadError extends Error {
  readonly reason: CatalogRefreshFailure;
  constructor(reason: CatalogRefreshFailure, message: string) {
    super(message);
    this.name = 'CatalogReadError';
    this.reason = reason;
  }
}

/** Largest catalog answer read: 32 MiB (OpenRouter's full list is a few MiB). */
export const MAX_CATALOG_BYTES = 32 * 1024 * 1024;

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new CatalogReadError('too-large', `answer larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and parses one gateway's live catalog within `timeoutMs` and `maxBytes`. Throws
 * `CatalogReadError`; a listing without one usable model is an error too (`empty`), so a proxy
 * answering garbage never empties the catalog.
 */
export async function readListing(
  endpoint: CatalogEndpoint,
  options: { fetch: typeof globalThis.fetch; clock: Clock; timeoutMs: number; maxBytes?: number },
): Promise<GatewayListing> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = options.clock.setTimer(
    () => {
      timedOut = true;
      controller.abort();
    },
    options.timeoutMs,
    { background: true },
  );
  let text: string;
  try {
    const response = await options.fetch(endpoint.url, {
      headers: { accept: 'application/json', ...endpoint.headers },
      signal: controller.signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new CatalogReadError('status', `HTTP ${response.status}`);
    }
    text = await readBounded(response, options.maxBytes ?? MAX_CATALOG_BYTES);
  } catch (error) {
    if (error instanceof CatalogReadError) throw error;
    if (timedOut) throw new CatalogReadError('timeout', `no answer within ${options.timeoutMs} ms`);
    throw new CatalogReadError('network', 'the request failed (connection refused, reset or DNS)');
  } finally {
    timer.cancel();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CatalogReadError('malformed', 'the answer is not JSON');
  }
  const fetchedAt = options.clock.now();
  let listing: GatewayListing;
  try {
    listing =
      endpoint.gateway === 'litellm'
        ? parseLiteLLMModelInfo(body, fetchedAt)
        : parseOpenRouterModels(body, fetchedAt);
  } catch (error) {
    throw new CatalogReadError('malformed', (error as Error).message);
  }
  if (listing.models.length === 0)
    throw new CatalogReadError('empty', `no usable model (${listing.skipped} entries skipped)`);
  return listing;
}
