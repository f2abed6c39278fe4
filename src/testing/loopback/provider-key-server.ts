import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KnownProviderId } from '../../types/model.ts';
import { type HttpServerHandle, type RecordedRequest, startHttpServer } from './http-server.ts';

/**
 * How the server treats a key it knows:
 * - `valid`: the listing succeeds.
 * - `restricted`: the provider's answer for a key that authenticates but lacks the scope (OpenAI
 *   403 "Missing scopes: api.model.read"; Gemini 403 `API_KEY_SERVICE_BLOCKED`); like `valid` elsewhere.
 * - `no_credit`: the provider's answer for an account without credit (OpenAI 429
 *   `insufficient_quota`; Anthropic 400 "credit balance is too low"); like `valid` elsewhere, since
 *   their listings do not look at billing.
 * Any other key gets the provider's invalid-key answer.
 */
export type ProviderKeyBehaviour = 'valid' | 'restricted' | 'no_credit';

/** A failure to inject into the next validation requests. */
export type ProviderKeyFault =
  /** This status, with the provider's own error body for it unless `body` is given. */
  | {
      readonly status: number;
      readonly body?: unknown;
      readonly message?: string;
      readonly retryAfterSeconds?: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Never answers. */
  | { readonly hang: true }
  /** Drops the connection. */
  | { readonly reset: true };

export interface ProviderKeyServerSettings {
  readonly provider: KnownProviderId;
  /** Keys the server knows, and how each answers. */
  readonly keys?: Readonly<Record<string, ProviderKeyBehaviour>>;
  readonly port?: number;
}

/** A loopback copy of one provider's key-validation endpoint. */
export interface ProviderKeyServer extends HttpServerHandle {
  readonly provider: KnownProviderId;
  /** The API root to give `createKeyValidator({ baseURLs: { [provider]: baseURL } })`. */
  readonly baseURL: string;
  setKey(apiKey: string, behaviour: ProviderKeyBehaviour): void;
  removeKey(apiKey: string): void;
  fail(fault: ProviderKeyFault, options?: { times?: number }): void;
  clearFaults(): void;
  /** Validation requests received (the validation path only). */
  readonly validationRequests: readonly RecordedRequest[];
}

interface Endpoint {
  readonly method: string;
  readonly path: string;
  /** The key the request carries, where this provider reads it. */
  readonly keyOf: (request: RecordedRequest, url: URL) => string | undefined;
}

const bearer = (request: RecordedRequest) =>
  /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

const ENDPOINTS: Readonly<Record<KnownProviderId, Endpoint>> = {
  openai: { method: 'GET', path: '/v1/models', keyOf: bearer },
  mistral: { method: 'GET', path: '/v1/models', keyOf: bearer },
  // The API documents x-api-key; @anthropic-ai/sdk 1.x sends Authorization: Bearer. Both are accepted.
  anthropic: {
    method: 'GET',
    path: '/v1/models',
    keyOf: (request) => request.headers['x-api-key'] ?? bearer(request),
  },
  google: {
    method: 'GET',
    path: '/v1beta/models',
    keyOf: (request, url) => url.searchParams.get('key') ?? request.headers['x-goog-api-key'],
  },
  cohere: { method: 'POST', path: '/v1/check-api-key', keyOf: bearer },
};

const requestId = () => randomBytes(12).toString('hex');

/** OpenAI's own masking in "Incorrect API key provided": a few leading and the last four characters. */
const maskOpenAIKey = (key: string) =>
  key.length <= 8 ? '***' : `${key.slice(0, 3)}${'*'.repeat(Math.min(40, key.length - 7))}${key.slice(-4)}`;

function openAIError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function anthropicError(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: `req_${requestId()}` };
}

function googleError(code: number, status: string, message: string, reason?: string) {
  return {
    error: {
      code,
      message,
      status,
      ...(reason
        ? {
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason,
                domain: 'googleapis.com',
                metadata: { service: 'generativelanguage.googleapis.com' },
              },
            ],
          }
        : {}),
    },
  };
}

/** The provider's error body for an injected status. */
function faultBody(provider: KnownProviderId, status: number, message: string | undefined): unknown {
  const rateLimited = status === 429;
  const server = status >= 500;
  switch (provider) {
    case 'openai':
      return rateLimited
        ? openAIError(message ?? 'Rate limit reached for requests', 'requests', 'rate_limit_exceeded')
        : server
          ? openAIError(
              message ?? 'The server had an error while processing your request. Sorry about that!',
              'server_error',
              null,
            )
          : openAIError(message ?? `injected ${status}`, 'invalid_request_error', null);
    case 'mistral':
      return {
        message:
          message ??
          (rateLimited
            ? 'Requests rate limit exceeded'
            : server
              ? 'Internal server error'
              : `injected ${status}`),
        request_id: requestId(),
      };
    case 'anthropic':
      return anthropicError(
        rateLimited
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : server
              ? 'api_error'
              : 'invalid_request_error',
        message ??
          (rateLimited
            ? 'Number of requests has exceeded your rate limit'
            : status === 529
              ? 'Overloaded'
              : server
                ? 'Internal server error'
                : `injected ${status}`),
      );
    case 'google':
      return googleError(
        status,
        rateLimited
          ? 'RESOURCE_EXHAUSTED'
          : status === 503
            ? 'UNAVAILABLE'
            : server
              ? 'INTERNAL'
              : 'INVALID_ARGUMENT',
        message ??
          (rateLimited
            ? 'Resource has been exhausted (e.g. check quota).'
            : status === 503
              ? 'The service is currently unavailable.'
              : server
                ? 'Internal error encountered.'
                : `injected ${status}`),
      );
    case 'cohere':
      return {
        message:
          message ??
          (rateLimited
            ? 'You are using a Trial key, which is limited to 1000 API calls / month.'
            : server
              ? 'internal server error'
              : `injected ${status}`),
      };
  }
}

type Answer = { status: number; body: unknown };

/** The provider's answer for a key, following its real status codes and bodies. */
function answerFor(
  provider: KnownProviderId,
  key: string | undefined,
  behaviour: ProviderKeyBehaviour | undefined,
): Answer {
  switch (provider) {
    case 'openai':
      if (!key)
        return {
          status: 401,
          body: openAIError(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            'invalid_request_error',
            null,
          ),
        };
      if (!behaviour)
        return {
          status: 401,
          body: openAIError(
            `Incorrect API key provided: ${maskOpenAIKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
        };
      if (behaviour === 'restricted')
        return {
          status: 403,
          body: openAIError(
            "You have insufficient permissions for this operation. Missing scopes: api.model.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes.",
            'invalid_request_error',
            null,
          ),
        };
      if (behaviour === 'no_credit')
        return {
          status: 429,
          body: openAIError(
            'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
            'insufficient_quota',
            'insufficient_quota',
          ),
        };
      return {
        status: 200,
        body: {
          object: 'list',
          data: [{ id: 'gpt-5.4-mini', object: 'model', created: 1_767_225_600, owned_by: 'system' }],
        },
      };
    case 'mistral':
      if (!key || !behaviour)
        return { status: 401, body: { message: 'Unauthorized', request_id: requestId() } };
      return {
        status: 200,
        body: {
          object: 'list',
          data: [
            { id: 'mistral-small-latest', object: 'model', created: 1_767_225_600, owned_by: 'mistralai' },
          ],
        },
      };
    case 'anthropic':
      if (!key)
        return { status: 401, body: anthropicError('authentication_error', 'x-api-key header is required') };
      if (!behaviour)
        return { status: 401, body: anthropicError('authentication_error', 'invalid x-api-key') };
      if (behaviour === 'no_credit')
        return {
          status: 400,
          body: anthropicError(
            'invalid_request_error',
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          ),
        };
      return {
        status: 200,
        body: {
          data: [
            {
              type: 'model',
              id: 'claude-sonnet-4-5',
              display_name: 'Claude Sonnet 4.5',
              created_at: '2025-09-29T00:00:00Z',
            },
          ],
          has_more: false,
          first_id: 'claude-sonnet-4-5',
          last_id: 'claude-sonnet-4-5',
        },
      };
    case 'google':
      if (!key)
        return {
          status: 403,
          body: googleError(
            403,
            'PERMISSION_DENIED',
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
          ),
        };
      if (!behaviour)
        return {
          status: 400,
          body: googleError(
            400,
            'INVALID_ARGUMENT',
            'API key not valid. Please pass a valid API key.',
            'API_KEY_INVALID',
          ),
        };
      if (behaviour === 'restricted')
        return {
          status: 403,
          body: googleError(
            403,
            'PERMISSION_DENIED',
            'Requests to this API generativelanguage.googleapis.com method google.ai.generativelanguage.v1beta.ModelService.ListModels are blocked.',
            'API_KEY_SERVICE_BLOCKED',
          ),
        };
      return {
        status: 200,
        body: {
          models: [{ name: 'models/gemini-2.5-flash', displayName: 'Gemini 2.5 Flash' }],
          nextPageToken: 'next',
        },
      };
    case 'cohere':
      if (!key) return { status: 401, body: { message: 'no api key supplied' } };
      if (!behaviour) return { status: 401, body: { message: 'invalid api token' } };
      return {
        status: 200,
        body: { valid: true, organization_id: 'org_loopback', owner_id: 'owner_loopback' },
      };
  }
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Starts a loopback server answering one provider's key-validation call with that provider's real
 * status codes and bodies: OpenAI and Mistral `GET /v1/models`, Anthropic `GET /v1/models` (needs
 * `anthropic-version`; takes `x-api-key` or `Authorization: Bearer`), Gemini `GET /v1beta/models`
 * (`?key=` or `x-goog-api-key`), Cohere `POST /v1/check-api-key`.
 *
 * @example
 * const openai = await startProviderKeyServer({ provider: 'openai', keys: { 'sk-good-0000000000000000': 'valid' } });
 * const validator = createKeyValidator({ baseURLs: { openai: openai.baseURL } });
 */
export async function startProviderKeyServer(
  settings: ProviderKeyServerSettings,
): Promise<ProviderKeyServer> {
  const { provider } = settings;
  const endpoint = ENDPOINTS[provider];
  const keys = new Map<string, ProviderKeyBehaviour>(Object.entries(settings.keys ?? {}));
  const faults: { fault: ProviderKeyFault; remaining: number }[] = [];
  const validationRequests: RecordedRequest[] = [];

  const handle = (request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest) => {
    const url = new URL(recorded.path, 'http://127.0.0.1');
    if (recorded.method !== endpoint.method || url.pathname !== endpoint.path) {
      return sendJson(response, 404, {
        error: { message: `Unknown route ${recorded.method} ${url.pathname}` },
      });
    }
    validationRequests.push(recorded);
    const entry = faults[0];
    if (entry) {
      entry.remaining--;
      if (entry.remaining <= 0) faults.shift();
      const { fault } = entry;
      if ('hang' in fault) return; // the socket stays open until the client gives up
      if ('reset' in fault) return request.socket.destroy();
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return sendJson(
        response,
        fault.status,
        fault.body ?? faultBody(provider, fault.status, fault.message),
        headers,
      );
    }
    if (provider === 'anthropic' && !recorded.headers['anthropic-version']) {
      return sendJson(
        response,
        400,
        anthropicError('invalid_request_error', 'anthropic-version: header is required'),
      );
    }
    const key = endpoint.keyOf(recorded, url);
    const answer = answerFor(provider, key, key === undefined ? undefined : keys.get(key));
    return sendJson(response, answer.status, answer.body);
  };

  const server = await startHttpServer(handle, settings.port === undefined ? {} : { port: settings.port });
  return {
    url: server.url,
    port: server.port,
    requests: server.requests,
    openConnections: server.openConnections,
    openRequests: server.openRequests,
    down: server.down,
    up: server.up,
    close: server.close,
    provider,
    baseURL: server.url,
    validationRequests,
    setKey(apiKey, behaviour) {
      keys.set(apiKey, behaviour);
    },
    removeKey(apiKey) {
      keys.delete(apiKey);
    },
    fail(fault, options = {}) {
      faults.push({ fault, remaining: options.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
  };
}

/** One provider-key server per provider, with the `baseURLs` a validator needs. */
export interface ProviderKeyServers {
  readonly servers: Readonly<Record<KnownProviderId, ProviderKeyServer>>;
  readonly baseURLs: Readonly<Record<KnownProviderId, string>>;
  close(): Promise<void>;
}

/** Starts a provider-key server for each of the five providers. */
export async function startProviderKeyServers(
  keys: Partial<Record<KnownProviderId, Readonly<Record<string, ProviderKeyBehaviour>>>> = {},
): Promise<ProviderKeyServers> {
  const providers: KnownProviderId[] = ['openai', 'anthropic', 'google', 'cohere', 'mistral'];
  const started = await Promise.all(
    providers.map((provider) => startProviderKeyServer({ provider, keys: keys[provider] ?? {} })),
  );
  const servers = Object.fromEntries(
    providers.map((provider, index) => [provider, started[index]]),
  ) as Record<KnownProviderId, ProviderKeyServer>;
  const baseURLs = Object.fromEntries(
    providers.map((provider) => [provider, servers[provider].baseURL]),
  ) as Record<KnownProviderId, string>;
  return {
    servers,
    baseURLs,
    close: async () => {
      await Promise.all(started.map((server) => server.close()));
    },
  };
}
